package dev.tiergate.autoconfigure.health;

import java.util.Map;

import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.health.TiergateHealthDefaults;
import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class TiergateHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class, TiergateHealthAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri());

	@Test
	void reportsUpWithDetailsWhileRedisIsInUse() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TiergateHealthIndicator.class);
			var health = context.getBean(TiergateHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("redis", "UP")
				.containsEntry("cacheMode", "TIERED")
				.containsEntry("circuitBreaker", "CLOSED")
				.containsEntry("fallbackActivations", 0L)
				.containsKey("since")
				.doesNotContainKey("rateLimitMode");
		});
	}

	@Test
	void reportsTheRateLimitModeWhenRateLimitingIsOn() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(TiergateHealthIndicator.class).health(true).getDetails())
				.containsEntry("rateLimitMode", "DISTRIBUTED"));
	}

	@Test
	void canBeSwitchedOffLikeAnyHealthIndicator() {
		this.contextRunner.withPropertyValues("management.health.tiergate.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TiergateHealthIndicator.class));
	}

	@Test
	void isAbsentWithoutRedis() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TiergateHealthAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TiergateHealthIndicator.class));
	}

	@Test
	void defaultsKeepAFallbackAt200AndYieldToTheApplicationsOwnSettings() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("management.health.redis.enabled", "true")));
		new TiergateHealthDefaults().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("management.endpoint.health.status.order"))
			.isEqualTo("DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN");
		assertThat(environment.getProperty("management.endpoint.health.status.http-mapping.degraded"))
			.isEqualTo("200");
		assertThat(environment.getProperty("management.health.redis.enabled")).isEqualTo("true");
	}

}
