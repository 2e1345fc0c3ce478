package dev.tiergate.autoconfigure.cache.spring;

import java.util.List;
import java.util.Map;

import dev.tiergate.autoconfigure.cache.spring.Reviews.Review;
import dev.tiergate.cache.warmup.TieredCacheWarmer;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warmer fills a cache that Spring's {@code @Cacheable} and {@code @TieredCacheable}
 * share, with a generic value type: both read the warmed entries without calling their
 * methods.
 */
class SpringCacheWarmupIntegrationTests {

	private static RedisProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = TestRedis.startPrivate();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void springsCacheableAndTieredCacheableReadWhatTheWarmerPut() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringCacheTestApplication.class,
				ReviewWarmer.class)
			.web(WebApplicationType.NONE)
			.properties(SpringCacheTestApplication.PROPERTIES)
			.properties(RedisTopology.standalone(redis.endpoint()).springPropertyArguments())
			.run()) {
			Reviews reviews = context.getBean(Reviews.class);
			assertThat(reviews.forProduct(7)).containsExactly(ReviewWarmer.WARMED);
			assertThat(reviews.forProductTiered(7)).containsExactly(ReviewWarmer.WARMED);
			assertThat(reviews.invocations("forProduct")).isZero();
			assertThat(reviews.invocations("forProductTiered")).isZero();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ReviewWarmer {

		static final Review WARMED = new Review(7, "dee", 4, "Warmed");

		@TieredCacheWarmer("reviews")
		Map<Long, List<Review>> reviews() {
			return Map.of(7L, List.of(WARMED));
		}

	}

}
