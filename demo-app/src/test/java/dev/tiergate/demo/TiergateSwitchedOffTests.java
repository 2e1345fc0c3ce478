package dev.tiergate.demo;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.redis.GuardedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test with tiergate switched off and no Redis at all, as docs/testing.md shows it:
 * the annotated methods run on every call (Spring's {@code @Cacheable} too, with
 * {@code spring.cache.type=none}), nothing is cached, nothing is limited, and
 * tiergate does not connect to Redis.
 */
@SpringBootTest(properties = { "tiergate.cache.enabled=false", "tiergate.rate-limit.enabled=false",
		// Spring's @Cacheable (ProductReviews) would fall back on Boot's own CacheManager.
		"spring.cache.type=none",
		// The demo only: nothing listens there, instead of the embedded Redis it starts when none is set.
		"spring.data.redis.url=redis://127.0.0.1:1", "demo.backend-delay=0ms", "demo.llm-delay=0ms" })
class TiergateSwitchedOffTests {

	@Autowired
	private ProductCatalog catalog;

	@Autowired
	private ChatAssistant assistant;

	@Autowired
	private ProductReviews reviews;

	@Autowired
	private ApplicationContext context;

	@Test
	void everyCallReachesTheMethodAndNothingIsLimited() {
		long before = this.catalog.backendCalls();
		this.catalog.find(7);
		this.catalog.find(7);
		assertThat(this.catalog.backendCalls()).isEqualTo(before + 2);
		long reviewCallsBefore = this.reviews.backendCalls();
		this.reviews.forProduct(7);
		this.reviews.forProduct(7);
		assertThat(this.reviews.backendCalls()).isEqualTo(reviewCallsBefore + 2);
		for (int i = 0; i < 20; i++) {
			this.assistant.answer(new ChatRequest("Why cache?"));
		}
		assertThat(this.context.getBeanNamesForType(TieredCaches.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(RateLimiters.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(GuardedRedis.class)).isEmpty();
	}

}
