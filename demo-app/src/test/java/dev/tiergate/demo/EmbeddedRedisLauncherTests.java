package dev.tiergate.demo;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.embedded.RedisServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedRedisLauncher}.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedRedisLauncherTests {

	private final MockEnvironment environment = new MockEnvironment();

	private final GenericApplicationContext context = new GenericApplicationContext();

	@Test
	void usesConfiguredUrl(CapturedOutput output) {
		this.environment.setProperty("spring.data.redis.url", "redis://cache.example:6380");
		this.environment.setProperty("REDIS_URL", "redis://other.example:6381");
		prepare();
		assertThat(this.environment.getProperty("spring.data.redis.url")).isEqualTo("redis://cache.example:6380");
		assertThat(this.context.containsBean(EmbeddedRedisLauncher.BEAN_NAME)).isFalse();
		assertThat(output).contains("Using Redis at redis://cache.example:6380 (spring.data.redis.url)");
	}

	@Test
	void usesConfiguredHost() {
		this.environment.setProperty("spring.data.redis.host", "cache.example");
		prepare();
		assertThat(this.environment.getProperty("spring.data.redis.url")).isNull();
		assertThat(this.context.containsBean(EmbeddedRedisLauncher.BEAN_NAME)).isFalse();
	}

	@Test
	void mapsRedisUrlVariableWithoutLoggingCredentials(CapturedOutput output) {
		this.environment.setProperty("REDIS_URL", "redis://user:secret@cache.example:6380");
		prepare();
		assertThat(this.environment.getProperty("spring.data.redis.url"))
			.isEqualTo("redis://user:secret@cache.example:6380");
		assertThat(this.context.containsBean(EmbeddedRedisLauncher.BEAN_NAME)).isFalse();
		assertThat(output).contains("Using Redis at redis://cache.example:6380 (REDIS_URL)").doesNotContain("secret");
	}

	@Test
	void startsEmbeddedRedisWhenNoneIsConfiguredAndStopsItWithTheContext() throws IOException {
		prepare();
		RedisServer server = this.context.getBeanFactory().getBean(EmbeddedRedisLauncher.BEAN_NAME, RedisServer.class);
		try {
			assertThat(server.isActive()).isTrue();
			assertThat(this.environment.getProperty("spring.data.redis.url"))
				.isEqualTo("redis://127.0.0.1:" + server.ports().get(0));
			this.context.refresh();
			this.context.close();
			assertThat(server.isActive()).isFalse();
		}
		finally {
			server.stop();
		}
	}

	private void prepare() {
		this.context.setEnvironment(this.environment);
		new EmbeddedRedisLauncher()
			.onApplicationEvent(new ApplicationPreparedEvent(new SpringApplication(), new String[0], this.context));
	}

}
