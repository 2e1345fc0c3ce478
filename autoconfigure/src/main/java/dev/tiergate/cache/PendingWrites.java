package dev.tiergate.cache;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
		return this.wholeCache || (!this.keys.isEmpty() && this.keys.contains(redisKey));
	}

	boolean isEmpty() {
		return !this.wholeCache && this.keys.isEmpty();
	}

	/** Returns the number of keys waiting, or -1 when the whole cache is to be invalidated. */
	long size() {
		return this.wholeCache ? -1 : this.keys.size();
	}

	/** Takes what is pending; {@link #restore} puts it back if applying it failed. */
	Batch take() {
		if (this.wholeCache) {
			this.wholeCache = false;
			this.keys.clear();
			return new Batch(true, List.of());
		}
		List<String> taken = List.copyOf(this.keys);
		taken.forEach(this.keys::remove);
		return new Batch(false, taken);
	}

	void restore(Batch batch) {
		if (batch.wholeCache()) {
			addWholeCache();
		}
		else {
			batch.keys().forEach(this::add);
		}
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
