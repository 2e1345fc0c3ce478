package dev.tiergate.cache;

import java.nio.charset.StandardCharsets;

import dev.tiergate.test.ManualTicker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests of defects found in review (2026-12-02): {@code @TieredCachePut} of a
 * value that is not written to L2 (larger than max-value-size, or not encodable) used to
 * leave the previous L2 entry in place while publishing the write, so every other
 * instance dropped its L1 and reloaded the PREVIOUS value from L2, for up to l2.ttl.
 * About the engine, not Redis: the instances share an {@link InMemoryL2Store}.
 */
class TieredCachePutTests {

	private final InMemoryL2Store store = new InMemoryL2Store(new ManualTicker());

	private final TieredCacheSettings settings = TieredCacheSettings.builder("documents")
		.l1MaxSize(1000)
		.l2TtlJitter(0)
		.maxValueBytes(1024)
		.build();

	@Test
	void aPutOfAValueTooLargeForL2MustNotLeaveThePreviousValueInL2() throws Throwable {
		TieredCache instanceA = TieredCache.builder(this.settings, "repro").l2(this.store).build();
		TieredCache instanceB = TieredCache.builder(this.settings, "repro").l2(this.store).build();
		String small = "draft";
		String large = "final ".repeat(500); // 3000 bytes: over max-value-size (1024)
		instanceA.put(1L, String.class, small);
		instanceA.put(1L, String.class, large); // @TieredCachePut save(document)
		assertThat(this.store.get(instanceA.redisKey(1L))).as("the previous value is gone from L2").isNull();
		// Instance B: L1 dropped by A's invalidation (simulated: B never held it).
		Object seenByB = instanceB.get(1L, String.class, () -> large, (v) -> true);
		assertThat(seenByB).isEqualTo(large);
	}

	@Test
	void aPutThatFitsReplacesTheL2EntryTheOtherInstanceReads() throws Throwable {
		TieredCache instanceA = TieredCache.builder(this.settings, "repro").l2(this.store).build();
		TieredCache instanceB = TieredCache.builder(this.settings, "repro").l2(this.store).build();
		instanceA.put(2L, String.class, "draft");
		instanceA.put(2L, String.class, "final");
		assertThat(new String(this.store.get(instanceA.redisKey(2L)), StandardCharsets.UTF_8)).contains("\"final\"");
		assertThat(instanceB.get(2L, String.class, () -> "loaded", (v) -> true)).isEqualTo("final");
	}

}
