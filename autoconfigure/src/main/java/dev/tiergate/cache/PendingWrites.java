package dev.tiergate.cache;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The evictions, puts and clears of one cache that could not reach Redis, kept until they
 * can: each is applied to L2 as a delete (the safe form of any write in a cache-aside
 * cache) and announced to the other instances. Bounded: past {@code capacity} keys the
 * cache remembers only that all of it must be invalidated.
 */
final class PendingWrites {

	/** Keys kept per cache before the whole cache is invalidated instead. */
	static final int DEFAULT_CAPACITY = 1_000;

	private final int capacity;

	private final Set<String> keys = ConcurrentHashMap.newKeySet();

	private volatile boolean wholeCache;

	/** The batch being applied: still pending until applied, so reads keep avoiding its keys. */
	private volatile @Nullable Batch applying;

	PendingWrites(int capacity) {
		this.capacity = capacity;
	}

	void add(String redisKey) {
		if (this.wholeCache) {
			return;
		}
		if (this.keys.size() >= this.capacity) {
			addWholeCache();
			return;
		}
		this.keys.add(redisKey);
	}

	void addWholeCache() {
		this.wholeCache = true;
		this.keys.clear();
	}

	/** Forgets a key that a later write or delete has brought to Redis. */
	void resolved(String redisKey) {
		if (!this.keys.isEmpty()) {
			this.keys.remove(redisKey);
		}
	}

	/** Whether L2 may still hold a value of this key that should have been removed. */
	boolean covers(String redisKey) {
		Batch inFlight = this.applying;
		return this.wholeCache || (!this.keys.isEmpty() && this.keys.contains(redisKey))
				|| (inFlight != null && inFlight.covers(redisKey));
	}

	boolean isEmpty() {
		return !this.wholeCache && this.keys.isEmpty() && this.applying == null;
	}

	/**
	 * Returns the number of keys waiting, those being applied included, or -1 when the
	 * whole cache is to be invalidated.
	 */
	long size() {
		Batch inFlight = this.applying;
		if (this.wholeCache || (inFlight != null && inFlight.wholeCache())) {
			return -1;
		}
		return this.keys.size() + ((inFlight != null) ? inFlight.keys().size() : 0);
	}

	/**
	 * Takes what is pending to apply it; it still counts as pending until
	 * {@link #applied} (or {@link #restore} if applying it failed).
	 */
	Batch take() {
		Batch batch;
		if (this.wholeCache) {
			batch = new Batch(true, List.of());
			this.applying = batch;
			this.wholeCache = false;
			this.keys.clear();
			return batch;
		}
		batch = new Batch(false, List.copyOf(this.keys));
		this.applying = batch;
		batch.keys().forEach(this.keys::remove);
		return batch;
	}

	/** Forgets a batch that has reached Redis and the other instances. */
	void applied(Batch batch) {
		if (this.applying == batch) {
			this.applying = null;
		}
	}

	/** Puts back a batch that could not be applied, before it stops counting as in flight. */
	void restore(Batch batch) {
		if (batch.wholeCache()) {
			addWholeCache();
		}
		else {
			batch.keys().forEach(this::add);
		}
		applied(batch);
	}

	/**
	 * What was pending at one moment.
	 * @param wholeCache whether the whole cache is to be invalidated
	 * @param keys the keys to delete otherwise
	 */
	record Batch(boolean wholeCache, List<String> keys) {

		/** Whether L2 may still hold a value of this key that should have been removed. */
	boolean covers(String redisKey) {
		return this.wholeCache || (!this.keys.isEmpty() && this.keys.contains(redisKey));
	}

	boolean isEmpty() {
			return !this.wholeCache && this.keys.isEmpty();
		}

	}

}
