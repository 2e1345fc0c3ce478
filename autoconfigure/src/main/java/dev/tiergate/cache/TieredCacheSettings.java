package dev.tiergate.cache;

import java.time.Duration;
import java.util.Objects;

import dev.tiergate.InvalidSettingException;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one tiered cache. Instances are immutable and validated when built, so a
 * {@link TieredCache} never sees a negative TTL or an empty L1.
 *
 * @param name the cache name
 * @param l1Enabled whether the in-process tier is used
 * @param l1Ttl time to live of an L1 entry after it was written
 * @param l1MaxSize maximum number of L1 entries
 * @param l2Enabled whether the Redis tier is used
 * @param l2Ttl time to live of an L2 entry
 * @param l2TtlJitter fraction of {@code l2Ttl}, between 0 and 1, by which each L2 entry's
 * TTL is shortened at random so that entries written together do not expire together
 * @param cacheNulls whether {@code null} results are cached
 * @param staleTtl how long after its fresh TTL an L2 entry is kept to answer calls whose
 * method fails; zero turns stale answers off
 * @param refreshAhead how close to the end of its fresh TTL an L2 entry read triggers one
 * asynchronous reload; zero turns refresh-ahead off
 * @param lock whether only one instance (across JVMs) calls the method for a missing key
 * @param lockLease how long the cross-instance lock is held at most
 * @param lockWait how long other instances wait for the value before calling the method
 * themselves
 * @param maxValueBytes the largest encoded value written to L2; larger ones stay in L1
 */
public record TieredCacheSettings(String name, boolean l1Enabled, Duration l1Ttl, long l1MaxSize, boolean l2Enabled,
		Duration l2Ttl, double l2TtlJitter, boolean cacheNulls, Duration staleTtl, Duration refreshAhead,
		boolean lock, Duration lockLease, Duration lockWait, long maxValueBytes) {

	/** Whether the in-process tier is used, unless set. */
	public static final boolean DEFAULT_L1_ENABLED = true;

	/** Time to live of an L1 entry, unless set. */
	public static final Duration DEFAULT_L1_TTL = Duration.ofMinutes(5);

	/** Maximum number of L1 entries, unless set. */
	public static final long DEFAULT_L1_MAX_SIZE = 10_000;

	/** Whether the Redis tier is used, unless set. */
	public static final boolean DEFAULT_L2_ENABLED = true;

	/** Time to live of an L2 entry, unless set. */
	public static final Duration DEFAULT_L2_TTL = Duration.ofHours(48);

	/** Fraction by which each L2 entry's TTL is shortened at random, unless set. */
	public static final double DEFAULT_L2_TTL_JITTER = 0.1;

	/** Whether {@code null} results are cached, unless set. */
	public static final boolean DEFAULT_CACHE_NULLS = false;

	/** Time an L2 entry answers failing calls after its TTL, unless set: stale answers are off. */
	public static final Duration DEFAULT_STALE_TTL = Duration.ZERO;

	/** Time before the end of its TTL an entry read is reloaded, unless set: refresh-ahead is off. */
	public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ZERO;

	/** Whether the cross-instance lock is used, unless set. */
	public static final boolean DEFAULT_LOCK = false;

	/** Lease of the cross-instance lock, unless set. */
	public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(10);

	/** Wait for another instance's load, unless set. */
	public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(2);

	/** Largest value written to L2, unless set: 512KB. */
	public static final long DEFAULT_MAX_VALUE_BYTES = 512 * 1024;

	/**
	 * Validates the settings; prefer {@link #builder(String)}, which names each one.
	 * @param name the cache name
	 * @param l1Enabled whether the in-process tier is used
	 * @param l1Ttl time to live of an L1 entry after it was written
	 * @param l1MaxSize maximum number of L1 entries
	 * @param l2Enabled whether the Redis tier is used
	 * @param l2Ttl time to live of an L2 entry
	 * @param l2TtlJitter random fraction by which each L2 entry's TTL is shortened
	 * @param cacheNulls whether {@code null} results are cached
	 * @param staleTtl how long after its fresh TTL an L2 entry answers failing calls
	 * @param refreshAhead how close to the end of its fresh TTL a read triggers a reload
	 * @param lock whether only one instance calls the method for a missing key
	 * @param lockLease how long the cross-instance lock is held at most
	 * @param lockWait how long other instances wait for the value
	 * @param maxValueBytes the largest encoded value written to L2
	 * @throws InvalidCacheSettingException when a setting is out of range
	 */
	public TieredCacheSettings {
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(l1Ttl, "l1Ttl must not be null");
		Objects.requireNonNull(l2Ttl, "l2Ttl must not be null");
		String nameProblem = nameProblem(name);
		check(nameProblem == null, "name", name, "'" + name + "' " + nameProblem);
		check(positive(l1Ttl), "l1.ttl", l1Ttl, "must be positive but was " + l1Ttl);
		check(l1MaxSize > 0, "l1.max-size", l1MaxSize, "must be positive but was " + l1MaxSize);
		check(positive(l2Ttl) && l2Ttl.toMillis() > 0, "l2.ttl", l2Ttl, "must be at least 1ms but was " + l2Ttl);
		check(l2TtlJitter >= 0 && l2TtlJitter < 1, "l2.ttl-jitter", l2TtlJitter,
				"must be at least 0 and less than 1 but was " + l2TtlJitter);
		Objects.requireNonNull(staleTtl, "staleTtl must not be null");
		Objects.requireNonNull(refreshAhead, "refreshAhead must not be null");
		Objects.requireNonNull(lockLease, "lockLease must not be null");
		Objects.requireNonNull(lockWait, "lockWait must not be null");
		check(!staleTtl.isNegative(), "stale-ttl", staleTtl, "must not be negative but was " + staleTtl);
		check(!refreshAhead.isNegative() && refreshAhead.compareTo(l2Ttl) < 0, "refresh-ahead", refreshAhead,
				"must be at least 0 and shorter than l2.ttl (" + l2Ttl + ") but was " + refreshAhead);
		check(positive(lockLease), "lock-lease", lockLease, "must be positive but was " + lockLease);
		check(!lockWait.isNegative(), "lock-wait", lockWait, "must not be negative but was " + lockWait);
		check(maxValueBytes > 0, "max-value-size", maxValueBytes + "B", "must be positive but was " + maxValueBytes + "B");
	}

	/**
	 * Returns what is wrong with a cache name. A cache's Redis keys are
	 * {@code <prefix>:<name>:<key>}, its lock keys {@code <prefix>:<name>:lock:<key>} and
	 * clearing it scans {@code <prefix>:<name>:*}: a name with {@code :} could reach into
	 * another cache's keys (cache {@code a} and cache {@code a:b}), and glob characters
	 * would make the pattern match other names.
	 * @param name the cache name
	 * @return the problem, or {@code null} when the name is valid
	 */
	public static @Nullable String nameProblem(String name) {
		if (name.isBlank()) {
			return "must not be blank";
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == ':' || c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || Character.isWhitespace(c)
					|| Character.isISOControl(c)) {
				return "must not contain ':', '*', '?', '[', ']', '\\', spaces or control characters, which"
						+ " would let its Redis keys or its clearing pattern reach other caches";
			}
		}
		return null;
	}

	/**
	 * Returns whether reads of L2 need the entry's remaining time to live.
	 * @return whether stale answers or refresh-ahead are on
	 */
	public boolean tracksFreshness() {
		return !this.staleTtl.isZero() || !this.refreshAhead.isZero();
	}

	/**
	 * Returns a copy of these settings for another cache name.
	 * @param cacheName the name of the other cache
	 * @return the settings for that cache
	 */
	public TieredCacheSettings withName(String cacheName) {
		return toBuilder().name(cacheName).build();
	}

	/**
	 * Starts settings for a cache, with every other setting at its default.
	 * @param name the cache name
	 * @return the builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Starts settings equal to these, to change some of them.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder(this.name).l1Enabled(this.l1Enabled)
			.l1Ttl(this.l1Ttl)
			.l1MaxSize(this.l1MaxSize)
			.l2Enabled(this.l2Enabled)
			.l2Ttl(this.l2Ttl)
			.l2TtlJitter(this.l2TtlJitter)
			.cacheNulls(this.cacheNulls)
			.staleTtl(this.staleTtl)
			.refreshAhead(this.refreshAhead)
			.lock(this.lock)
			.lockLease(this.lockLease)
			.lockWait(this.lockWait)
			.maxValueBytes(this.maxValueBytes);
	}

	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	private static void check(boolean valid, String setting, Object value, String problem) {
		if (!valid) {
			throw new InvalidCacheSettingException(setting, value, problem);
		}
	}

	/**
	 * Builds {@link TieredCacheSettings}; a setting that is not set keeps its
	 * {@code DEFAULT_} value. {@link #build()} validates them all.
	 */
	public static final class Builder {

		private String name;

		private boolean l1Enabled = DEFAULT_L1_ENABLED;

		private Duration l1Ttl = DEFAULT_L1_TTL;

		private long l1MaxSize = DEFAULT_L1_MAX_SIZE;

		private boolean l2Enabled = DEFAULT_L2_ENABLED;

		private Duration l2Ttl = DEFAULT_L2_TTL;

		private double l2TtlJitter = DEFAULT_L2_TTL_JITTER;

		private boolean cacheNulls = DEFAULT_CACHE_NULLS;

		private Duration staleTtl = DEFAULT_STALE_TTL;

		private Duration refreshAhead = DEFAULT_REFRESH_AHEAD;

		private boolean lock = DEFAULT_LOCK;

		private Duration lockLease = DEFAULT_LOCK_LEASE;

		private Duration lockWait = DEFAULT_LOCK_WAIT;

		private long maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * Sets the cache name.
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/**
		 * Sets whether the in-process tier is used.
		 * @param l1Enabled whether L1 is used
		 * @return this builder
		 */
		public Builder l1Enabled(boolean l1Enabled) {
			this.l1Enabled = l1Enabled;
			return this;
		}

		/**
		 * Sets the time to live of an L1 entry after it was written.
		 * @param l1Ttl the time to live
		 * @return this builder
		 */
		public Builder l1Ttl(Duration l1Ttl) {
			this.l1Ttl = l1Ttl;
			return this;
		}

		/**
		 * Sets the maximum number of L1 entries.
		 * @param l1MaxSize the maximum
		 * @return this builder
		 */
		public Builder l1MaxSize(long l1MaxSize) {
			this.l1MaxSize = l1MaxSize;
			return this;
		}

		/**
		 * Sets whether the Redis tier is used.
		 * @param l2Enabled whether L2 is used
		 * @return this builder
		 */
		public Builder l2Enabled(boolean l2Enabled) {
			this.l2Enabled = l2Enabled;
			return this;
		}

		/**
		 * Sets the time to live of an L2 entry.
		 * @param l2Ttl the time to live
		 * @return this builder
		 */
		public Builder l2Ttl(Duration l2Ttl) {
			this.l2Ttl = l2Ttl;
			return this;
		}

		/**
		 * Sets the fraction, from 0 to less than 1, by which each L2 entry's TTL is shortened
		 * at random.
		 * @param l2TtlJitter the fraction
		 * @return this builder
		 */
		public Builder l2TtlJitter(double l2TtlJitter) {
			this.l2TtlJitter = l2TtlJitter;
			return this;
		}

		/**
		 * Sets whether {@code null} results are cached.
		 * @param cacheNulls whether nulls are cached
		 * @return this builder
		 */
		public Builder cacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
			return this;
		}

		/**
		 * Sets how long after its fresh TTL an L2 entry answers calls whose method fails.
		 * @param staleTtl the time, zero for no stale answers
		 * @return this builder
		 */
		public Builder staleTtl(Duration staleTtl) {
			this.staleTtl = staleTtl;
			return this;
		}

		/**
		 * Sets how close to the end of its fresh TTL an L2 entry read triggers a reload.
		 * @param refreshAhead the time, zero for no refresh-ahead
		 * @return this builder
		 */
		public Builder refreshAhead(Duration refreshAhead) {
			this.refreshAhead = refreshAhead;
			return this;
		}

		/**
		 * Sets whether only one instance calls the method for a missing key.
		 * @param lock whether the cross-instance lock is used
		 * @return this builder
		 */
		public Builder lock(boolean lock) {
			this.lock = lock;
			return this;
		}

		/**
		 * Sets how long the cross-instance lock is held at most.
		 * @param lockLease the lease
		 * @return this builder
		 */
		public Builder lockLease(Duration lockLease) {
			this.lockLease = lockLease;
			return this;
		}

		/**
		 * Sets how long other instances wait for the value before calling the method.
		 * @param lockWait the wait
		 * @return this builder
		 */
		public Builder lockWait(Duration lockWait) {
			this.lockWait = lockWait;
			return this;
		}

		/**
		 * Sets the largest encoded value written to L2.
		 * @param maxValueBytes the size in bytes
		 * @return this builder
		 */
		public Builder maxValueBytes(long maxValueBytes) {
			this.maxValueBytes = maxValueBytes;
			return this;
		}

		/**
		 * Validates and returns the settings.
		 * @return the settings
		 * @throws InvalidCacheSettingException when a setting is out of range
		 */
		public TieredCacheSettings build() {
			return new TieredCacheSettings(this.name, this.l1Enabled, this.l1Ttl, this.l1MaxSize, this.l2Enabled,
					this.l2Ttl, this.l2TtlJitter, this.cacheNulls, this.staleTtl, this.refreshAhead, this.lock,
					this.lockLease, this.lockWait, this.maxValueBytes);
		}

	}

	/**
	 * Thrown when a setting of a tiered cache is out of range; the setting is named as in
	 * the configuration properties below the cache (for example {@code l1.ttl}).
	 */
	public static final class InvalidCacheSettingException extends InvalidSettingException {

		InvalidCacheSettingException(String setting, Object value, String problem) {
			super(setting, value, problem);
		}

	}

}
