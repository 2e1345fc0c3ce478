package dev.tiergate.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes kept for Redis stay pending while they are being applied: a read in that window
 * must still avoid the keys, and the count must not drop to zero before Redis has them.
 */
class PendingWritesTests {

	private final PendingWrites pending = new PendingWrites(3);

	@Test
	void aBatchBeingAppliedStillCoversItsKeysAndCountsUntilApplied() {
		this.pending.add("k1");
		this.pending.add("k2");
		PendingWrites.Batch batch = this.pending.take();
		assertThat(this.pending.covers("k1")).isTrue();
		assertThat(this.pending.size()).isEqualTo(2);
		assertThat(this.pending.isEmpty()).isFalse();
		this.pending.add("k3");
		assertThat(this.pending.size()).isEqualTo(3);
		this.pending.applied(batch);
		assertThat(this.pending.covers("k1")).isFalse();
		assertThat(this.pending.covers("k3")).isTrue();
		assertThat(this.pending.size()).isEqualTo(1);
	}

	@Test
	void aBatchThatFailedIsPendingAgain() {
		this.pending.add("k1");
		PendingWrites.Batch batch = this.pending.take();
		this.pending.restore(batch);
		assertThat(this.pending.covers("k1")).isTrue();
		assertThat(this.pending.size()).isEqualTo(1);
		assertThat(this.pending.take().keys()).containsExactly("k1");
	}

	@Test
	void aWholeCacheBatchCountsAsWholeCacheWhileApplied() {
		for (String key : new String[] { "a", "b", "c", "d" }) {
			this.pending.add(key);
		}
		assertThat(this.pending.size()).isEqualTo(-1);
		PendingWrites.Batch batch = this.pending.take();
		assertThat(batch.wholeCache()).isTrue();
		assertThat(this.pending.size()).isEqualTo(-1);
		assertThat(this.pending.covers("anything")).isTrue();
		this.pending.applied(batch);
		assertThat(this.pending.isEmpty()).isTrue();
	}

}
