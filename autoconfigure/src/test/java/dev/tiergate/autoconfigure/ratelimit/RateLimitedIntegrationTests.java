package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code @RateLimited} end to end on one Redis server, the shared one of the tests.
 */
@SpringBootTest(classes = RateLimitTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitedIntegrationTests extends AbstractRateLimitedIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, redis());
	}

	@Override
	protected RedisTopology topology() {
		return redis();
	}

	private static RedisTopology redis() {
		return RedisTopology.standalone(TestRedis.shared());
	}

}
