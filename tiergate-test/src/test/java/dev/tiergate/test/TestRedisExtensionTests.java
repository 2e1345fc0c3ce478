package dev.tiergate.test;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TestRedisExtension}, written as a user's test would use it.
 */
@ExtendWith(TestRedisExtension.class)
class TestRedisExtensionTests {

	private static RedisEndpoint beforeAll;

	private final RedisEndpoint constructed;

	TestRedisExtensionTests(RedisEndpoint redis) {
		this.constructed = redis;
	}

	@BeforeAll
	static void rememberTheRedis(RedisEndpoint redis) {
		beforeAll = redis;
	}

	@Test
	void testMethodsLifecycleMethodsAndConstructorsGetTheSharedRedis(RedisEndpoint redis) {
		assertThat(redis).isEqualTo(TestRedis.shared()).isEqualTo(this.constructed).isEqualTo(beforeAll);
		try (RedisProbe probe = new RedisProbe(redis)) {
			assertThat(probe.ping()).isEqualTo("PONG");
		}
	}

	@Test
	void theUrlIsTheSharedRedisWithItsCredentials() {
		assertThat(RedisEndpoint.parse(TestRedis.url())).isEqualTo(TestRedis.shared());
	}

}
