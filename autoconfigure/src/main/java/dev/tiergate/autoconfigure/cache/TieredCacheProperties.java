package dev.tiergate.autoconfigure.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tiergate.cache.TieredCacheSettings;
import dev.tiergate.cache.warmup.CacheWarmup;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of tiered caches ({@code @TieredCacheable} and friends).
 */
@ConfigurationProperties("tiergate.cache")
public class TieredCacheProperties {

	/** Default order of the caching advice: inside rate limiting, outside transactions. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	/**
	 * Whether tiered caching is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Namespace that starts every Redis key, before the cache name. Defaults to
	 * 'spring.application.name', or 'tiergate' when that is not set.
	 */
	private @Nullable String keyPrefix;

	/**
	 * Order of the caching advice among the application's other advice. The default runs
	 * it inside rate limiting and outside transactions, so a cache hit opens no
	 * transaction.
	 */
	private int order = DEFAULT_ORDER;

	/**
	 * Largest encoded value written to Redis; larger values are returned and kept in L1
	 * only.
	 */
	private DataSize maxValueSize = DataSize.ofBytes(TieredCacheSettings.DEFAULT_MAX_VALUE_BYTES);

	/**
	 * Settings of every cache, unless overridden under 'caches'.
	 */
	private final Defaults defaults = new Defaults();

	/**
	 * Settings per cache name, each overriding the defaults it sets.
	 */
	private Map<String, Cache> caches = new LinkedHashMap<>();

	/**
	 * Spring's cache abstraction (@Cacheable and friends) on tiered caches.
	 */
	private final Spring spring = new Spring();

	/**
	 * Warm-up of the caches by the application's warmers.
	 */
	private final Warmup warmup = new Warmup();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public void setMaxValueSize(DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, Cache> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, Cache> caches) {
		this.caches = caches;
	}

	public Spring getSpring() {
		return this.spring;
	}

	public Warmup getWarmup() {
		return this.warmup;
	}

	/**
	 * Configuration of Spring's cache abstraction ({@code @Cacheable} and friends) on
	 * tiered caches, read before the properties are bound (see
	 * {@code TieredSpringCacheDefaults}).
	 */
	public static class Spring {

		/**
		 * Whether the application's CacheManager is tiergate's, so that Spring's cache
		 * annotations use L1 and L2, unless the application defines its own CacheManager.
		 */
		private boolean enabled = false;

		/**
		 * Whether caches store null results by default, as Spring's cache managers do: sets
		 * the default of 'tiergate.cache.defaults.cache-nulls' to true, for both annotation
		 * families.
		 */
		private boolean allowNullValues = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isAllowNullValues() {
			return this.allowNullValues;
		}

		public void setAllowNullValues(boolean allowNullValues) {
			this.allowNullValues = allowNullValues;
		}

	}

	/**
	 * Settings that apply to every cache.
	 */
	public static class Defaults {

		/**
		 * In-process tier.
		 */
		private final L1 l1 = new L1();

		/**
		 * Redis tier.
		 */
		private final L2 l2 = new L2();

		/**
		 * Whether null results (and empty Optionals) are cached.
		 */
		private boolean cacheNulls = TieredCacheSettings.DEFAULT_CACHE_NULLS;

		/**
		 * How long after its TTL an L2 entry is kept to answer calls whose method fails
		 * (stale-if-error). 0 turns it off.
		 */
		private Duration staleTtl = TieredCacheSettings.DEFAULT_STALE_TTL;

		/**
		 * How close to the end of its TTL an L2 entry that is read triggers one
		 * asynchronous reload, while the current value is returned. 0 turns it off.
		 */
		private Duration refreshAhead = TieredCacheSettings.DEFAULT_REFRESH_AHEAD;

		/**
		 * Whether only one instance at a time calls the method for a missing key, using a
		 * short lease in Redis; the others wait for the value in L2.
		 */
		private boolean lock = TieredCacheSettings.DEFAULT_LOCK;

		/**
		 * Longest time the cross-instance lock is held, should its holder die.
		 */
		private Duration lockLease = TieredCacheSettings.DEFAULT_LOCK_LEASE;

		/**
		 * Longest time other instances wait for the lock holder's value before calling
		 * the method themselves.
		 */
		private Duration lockWait = TieredCacheSettings.DEFAULT_LOCK_WAIT;

		public Duration getStaleTtl() {
			return this.staleTtl;
		}

		public void setStaleTtl(Duration staleTtl) {
			this.staleTtl = staleTtl;
		}

		public Duration getRefreshAhead() {
			return this.refreshAhead;
		}

		public void setRefreshAhead(Duration refreshAhead) {
			this.refreshAhead = refreshAhead;
		}

		public boolean isLock() {
			return this.lock;
		}

		public void setLock(boolean lock) {
			this.lock = lock;
		}

		public Duration getLockLease() {
			return this.lockLease;
		}

		public void setLockLease(Duration lockLease) {
			this.lockLease = lockLease;
		}

		public Duration getLockWait() {
			return this.lockWait;
		}

		public void setLockWait(Duration lockWait) {
			this.lockWait = lockWait;
		}

		public L1 getL1() {
			return this.l1;
		}

		public L2 getL2() {
			return this.l2;
		}

		public boolean isCacheNulls() {
			return this.cacheNulls;
		}

		public void setCacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

		/**
		 * Default settings of the in-process tier.
		 */
		public static class L1 {

			/**
			 * Whether the in-process tier is used.
			 */
			private boolean enabled = TieredCacheSettings.DEFAULT_L1_ENABLED;

			/**
			 * Time to live of an L1 entry after it was written.
			 */
			private Duration ttl = TieredCacheSettings.DEFAULT_L1_TTL;

			/**
			 * Maximum number of L1 entries per cache; the least useful are evicted
			 * beyond it.
			 */
			private long maxSize = TieredCacheSettings.DEFAULT_L1_MAX_SIZE;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(Duration ttl) {
				this.ttl = ttl;
			}

			public long getMaxSize() {
				return this.maxSize;
			}

			public void setMaxSize(long maxSize) {
				this.maxSize = maxSize;
			}

		}

		/**
		 * Default settings of the Redis tier.
		 */
		public static class L2 {

			/**
			 * Whether the Redis tier is used.
			 */
			private boolean enabled = TieredCacheSettings.DEFAULT_L2_ENABLED;

			/**
			 * Time to live of an L2 entry.
			 */
			private Duration ttl = TieredCacheSettings.DEFAULT_L2_TTL;

			/**
			 * Fraction of the TTL, from 0 (off) to below 1, by which each L2 entry's TTL
			 * is shortened at random, so that entries written together do not expire
			 * together.
			 */
			private double ttlJitter = TieredCacheSettings.DEFAULT_L2_TTL_JITTER;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(Duration ttl) {
				this.ttl = ttl;
			}

			public double getTtlJitter() {
				return this.ttlJitter;
			}

			public void setTtlJitter(double ttlJitter) {
				this.ttlJitter = ttlJitter;
			}

		}

	}

	/**
	 * Settings of one cache; what is not set comes from the defaults.
	 */
	public static class Cache {

		/**
		 * In-process tier.
		 */
		private final L1 l1 = new L1();

		/**
		 * Redis tier.
		 */
		private final L2 l2 = new L2();

		/**
		 * Whether null results (and empty Optionals) are cached.
		 */
		private @Nullable Boolean cacheNulls;

		/**
		 * How long after its TTL an L2 entry answers calls whose method fails.
		 */
		private @Nullable Duration staleTtl;

		/**
		 * How close to the end of its TTL a read triggers an asynchronous reload.
		 */
		private @Nullable Duration refreshAhead;

		/**
		 * Whether only one instance at a time calls the method for a missing key.
		 */
		private @Nullable Boolean lock;

		/**
		 * Longest time the cross-instance lock is held.
		 */
		private @Nullable Duration lockLease;

		/**
		 * Longest time other instances wait for the lock holder's value.
		 */
		private @Nullable Duration lockWait;

		/**
		 * Whether the responses of controller methods whose result came through this
		 * cache carry a Cache-Status header (RFC 9211). Defaults to true.
		 */
		private @Nullable Boolean cacheStatus;

		/**
		 * Whether a request's 'Cache-Control: no-cache' makes its calls skip both tiers
		 * of this cache and store their fresh results. Defaults to false.
		 */
		private @Nullable Boolean requestNoCache;

		public @Nullable Boolean getCacheStatus() {
			return this.cacheStatus;
		}

		public void setCacheStatus(@Nullable Boolean cacheStatus) {
			this.cacheStatus = cacheStatus;
		}

		public @Nullable Boolean getRequestNoCache() {
			return this.requestNoCache;
		}

		public void setRequestNoCache(@Nullable Boolean requestNoCache) {
			this.requestNoCache = requestNoCache;
		}

		public @Nullable Duration getStaleTtl() {
			return this.staleTtl;
		}

		public void setStaleTtl(@Nullable Duration staleTtl) {
			this.staleTtl = staleTtl;
		}

		public @Nullable Duration getRefreshAhead() {
			return this.refreshAhead;
		}

		public void setRefreshAhead(@Nullable Duration refreshAhead) {
			this.refreshAhead = refreshAhead;
		}

		public @Nullable Boolean getLock() {
			return this.lock;
		}

		public void setLock(@Nullable Boolean lock) {
			this.lock = lock;
		}

		public @Nullable Duration getLockLease() {
			return this.lockLease;
		}

		public void setLockLease(@Nullable Duration lockLease) {
			this.lockLease = lockLease;
		}

		public @Nullable Duration getLockWait() {
			return this.lockWait;
		}

		public void setLockWait(@Nullable Duration lockWait) {
			this.lockWait = lockWait;
		}

		public L1 getL1() {
			return this.l1;
		}

		public L2 getL2() {
			return this.l2;
		}

		public @Nullable Boolean getCacheNulls() {
			return this.cacheNulls;
		}

		public void setCacheNulls(@Nullable Boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

		/**
		 * Settings of the in-process tier of one cache.
		 */
		public static class L1 {

			/**
			 * Whether the in-process tier is used.
			 */
			private @Nullable Boolean enabled;

			/**
			 * Time to live of an L1 entry after it was written.
			 */
			private @Nullable Duration ttl;

			/**
			 * Maximum number of L1 entries.
			 */
			private @Nullable Long maxSize;

			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

			public void setEnabled(@Nullable Boolean enabled) {
				this.enabled = enabled;
			}

			public @Nullable Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(@Nullable Duration ttl) {
				this.ttl = ttl;
			}

			public @Nullable Long getMaxSize() {
				return this.maxSize;
			}

			public void setMaxSize(@Nullable Long maxSize) {
				this.maxSize = maxSize;
			}

		}

		/**
		 * Settings of the Redis tier of one cache.
		 */
		public static class L2 {

			/**
			 * Whether the Redis tier is used.
			 */
			private @Nullable Boolean enabled;

			/**
			 * Time to live of an L2 entry.
			 */
			private @Nullable Duration ttl;

			/**
			 * Fraction of the TTL by which each entry's TTL is shortened at random.
			 */
			private @Nullable Double ttlJitter;

			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

			public void setEnabled(@Nullable Boolean enabled) {
				this.enabled = enabled;
			}

			public @Nullable Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(@Nullable Duration ttl) {
				this.ttl = ttl;
			}

			public @Nullable Double getTtlJitter() {
				return this.ttlJitter;
			}

			public void setTtlJitter(@Nullable Double ttlJitter) {
				this.ttlJitter = ttlJitter;
			}

		}

	}

	/**
	 * Configuration of cache warm-up: the {@code CacheWarmer} beans and
	 * {@code @TieredCacheWarmer} methods, run at startup and on a schedule.
	 */
	public static class Warmup {

		/**
		 * Whether the warmers run: at startup, before the application reports ready, and on the schedule.
		 */
		private boolean enabled = true;

		/**
		 * Time a run of the warmers may take; at startup, the application waits at most this long for them.
		 */
		private Duration timeout = CacheWarmup.DEFAULT_TIMEOUT;

		/**
		 * Time a run keeps the other instances on the same Redis from warming the same cache.
		 */
		private Duration lease = CacheWarmup.DEFAULT_LEASE;

		/**
		 * Cron expression (six fields, or a macro such as '@daily') of the runs after startup; none by default.
		 */
		private @Nullable String cron;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

	}

}
