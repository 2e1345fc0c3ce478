package dev.tiergate.autoconfigure.cache;

import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The annotations end to end on one Redis server, the shared one of the tests.
 */
@SpringBootTest(classes = CacheTestApplication.class)
class TieredCacheableIntegrationTests extends AbstractTieredCacheableIntegrationTests {

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
