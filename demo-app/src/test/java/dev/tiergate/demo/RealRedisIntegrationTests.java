package dev.tiergate.demo;

import java.util.UUID;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application's own integration tests on a real Redis, as docs/testing.md shows them:
 * the Redis comes from tiergate-test's {@link TestRedis}, each run writes under a key
 * prefix of its own, and every test starts with empty caches and full buckets. The two
 * chat tests each drain the same bucket: whichever runs second would fail without the
 * reset.
 */
@SpringBootTest(properties = { "demo.backend-delay=0ms", "demo.llm-delay=0ms" })
class RealRedisIntegrationTests {

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", TestRedis::url);
		// Keys of this run only: the Redis may be shared with other test classes and runs.
		registry.add("tiergate.cache.key-prefix", () -> "demo-test-" + UUID.randomUUID());
	}

	@Autowired
	private ProductCatalog catalog;

	@Autowired
	private ChatAssistant assistant;

	@Autowired
	private TieredCaches caches;

	@Autowired
	private RateLimiters rateLimiters;

	@AfterEach
	void resetTiergate() {
		this.caches.clearAll();
		this.rateLimiters.reset();
	}

	@Test
	void aProductIsLoadedOnceThenServedByL1AndByRedis() {
		long before = this.catalog.backendCalls();
		this.catalog.find(42);
		this.catalog.find(42);
		// Without L1, the next read is served by Redis.
		this.caches.get("products").clearL1();
		assertThat(this.catalog.find(42)).isNotNull();
		assertThat(this.catalog.backendCalls()).isEqualTo(before + 1);
	}

	@Test
	void theSixthShortPromptOfABurstIsRejected() {
		for (int i = 0; i < 5; i++) {
			this.assistant.answer(new ChatRequest("Why cache?"));
		}
		assertThatExceptionOfType(RateLimitExceededException.class)
			.isThrownBy(() -> this.assistant.answer(new ChatRequest("Why cache?")))
			.satisfies((ex) -> assertThat(ex.getDecision().isDistributed()).isTrue());
	}

	@Test
	void twoLongPromptsCostMoreThanTheBucketHolds() {
		ChatRequest longPrompt = new ChatRequest("x".repeat(1200));
		this.assistant.answer(longPrompt);
		assertThatExceptionOfType(RateLimitExceededException.class)
			.isThrownBy(() -> this.assistant.answer(longPrompt))
			.satisfies((ex) -> assertThat(ex.getRemaining()).isEqualTo(2));
	}

}
