package dev.tiergate.actuate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tiergate.cache.CacheStatistics;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCacheSettings;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.redis.RedisCacheInvalidations;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitStatistics;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.redis.RedisTierOverrides;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.redis.RedisUnavailableException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code tiergate} actuator endpoint: the Redis mode and whether this instance
 * receives cache invalidations; per cache its L1 size, hit
 * ratios, loads, absorbed errors, stale answers and settings; per rate-limit tier its
 * limits, plans, whether they were changed, and allowed and rejected calls. Its delete
 * operations evict one key or a whole cache in both tiers and in every instance's L1, its
 * write operation changes a tier's limit in every instance (and a delete reverts it), so,
 * like Spring Boot's own write operations, they must only be exposed behind
 * authentication.
 */
@Endpoint(id = "tiergate")
public class TiergateEndpoint {

	/** The first path segment of the rate-limit tiers' write operations. */
	private static final String RATE_LIMITS = "ratelimits";

	private final @Nullable TieredCaches caches;

	private final @Nullable GuardedRedis redis;

	private final @Nullable RateLimiters rateLimiters;

	private final @Nullable RedisCacheInvalidations invalidations;

	private final @Nullable RedisTierOverrides tierOverrides;

	/**
	 * Creates the endpoint without cache invalidations to report.
	 * @param caches the tiered caches, if caching is on
	 * @param redis the guarded Redis, if Redis is configured
	 * @param rateLimiters the rate limiters, if rate limiting is on
	 */
	public TiergateEndpoint(@Nullable TieredCaches caches, @Nullable GuardedRedis redis,
			@Nullable RateLimiters rateLimiters) {
		this(caches, redis, rateLimiters, null);
	}

	/**
	 * Creates the endpoint.
	 * @param caches the tiered caches, if caching is on
	 * @param redis the guarded Redis, if Redis is configured
	 * @param rateLimiters the rate limiters, if rate limiting is on
	 * @param invalidations the cache invalidations, if caching uses Redis
	 */
	public TiergateEndpoint(@Nullable TieredCaches caches, @Nullable GuardedRedis redis,
			@Nullable RateLimiters rateLimiters, @Nullable RedisCacheInvalidations invalidations) {
		this(caches, redis, rateLimiters, invalidations, null);
	}

	/**
	 * Creates the endpoint, with live changes of rate limits.
	 * @param caches the tiered caches, if caching is on
	 * @param redis the guarded Redis, if Redis is configured
	 * @param rateLimiters the rate limiters, if rate limiting is on
	 * @param invalidations the cache invalidations, if caching uses Redis
	 * @param tierOverrides changes the rate limits of every instance, if rate limiting
	 * uses Redis
	 */
	public TiergateEndpoint(@Nullable TieredCaches caches, @Nullable GuardedRedis redis,
			@Nullable RateLimiters rateLimiters, @Nullable RedisCacheInvalidations invalidations,
			@Nullable RedisTierOverrides tierOverrides) {
		this.caches = caches;
		this.redis = redis;
		this.rateLimiters = rateLimiters;
		this.invalidations = invalidations;
		this.tierOverrides = tierOverrides;
	}

	@ReadOperation
	public TiergateDescriptor describe() {
		Map<String, CacheDescriptor> caches = new TreeMap<>();
		if (this.caches != null) {
			this.caches.all().forEach((cache) -> caches.put(cache.name(), describe(cache)));
		}
		return new TiergateDescriptor(describeRedis(), caches, describeRateLimits());
	}

	@ReadOperation
	public @Nullable CacheDescriptor cache(@Selector String cache) {
		TieredCache found = (this.caches != null) ? this.caches.find(cache) : null;
		return (found != null) ? describe(found) : null;
	}

	/**
	 * Removes every entry of a cache, in both tiers and every instance.
	 * @param cache the cache name
	 * @return whether the cache exists
	 */
	@DeleteOperation
	public boolean clear(@Selector String cache) {
		TieredCache found = (this.caches != null) ? this.caches.find(cache) : null;
		if (found == null) {
			return false;
		}
		found.clear();
		return true;
	}

	/**
	 * Removes one entry of a cache, in both tiers and every instance.
	 * Under {@code ratelimits/{tier}}, gives the tier back its configured main limit in
	 * every instance instead.
	 * @param cache the cache name, or {@code ratelimits}
	 * @param key the key as it appears in Redis after {@code <prefix>:<cache>:}, for
	 * example {@code 42} or {@code "kettle"}; or the tier
	 * @return whether the cache exists; for a tier, as {@link #changeRateLimit}
	 */
	@DeleteOperation
	public Object evict(@Selector String cache, @Selector String key) {
		if (RATE_LIMITS.equals(cache)) {
			return changeRateLimit(key, null);
		}
		TieredCache found = (this.caches != null) ? this.caches.find(cache) : null;
		if (found == null) {
			return false;
		}
		found.evictEncoded(key);
		return true;
	}

	/**
	 * Changes the main limit of a rate-limit tier in every instance, until the next change
	 * or a {@code DELETE}; its extra limits and plans stay. Buckets keep their fill level
	 * as a share of the new capacity.
	 * @param section {@code ratelimits}
	 * @param tier the tier
	 * @param capacity the new capacity
	 * @param refillTokens the new tokens per period
	 * @param refillPeriod the new period, such as {@code 10s} or {@code PT10S}
	 * @return the tier as {@link #describe()} shows it; 400 with what is wrong, 404 for an
	 * unknown tier, 503 when Redis cannot be reached (nothing changed)
	 */
	@WriteOperation
	public WebEndpointResponse<Object> changeRateLimit(@Selector String section, @Selector String tier,
			long capacity, long refillTokens, String refillPeriod) {
		if (!RATE_LIMITS.equals(section)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		RateLimitTier.Limit limit;
		try {
			limit = new RateLimitTier.Limit(capacity, refillTokens, DurationStyle.detectAndParse(refillPeriod));
		}
		catch (IllegalArgumentException ex) {
			return problem(WebEndpointResponse.STATUS_BAD_REQUEST, "Invalid limit for rate-limit tier '" + tier + "': "
					+ ex.getMessage());
		}
		return changeRateLimit(tier, limit);
	}

	private WebEndpointResponse<Object> changeRateLimit(String tier, RateLimitTier.@Nullable Limit limit) {
		TierRateLimiter limiter = (this.rateLimiters != null) ? this.rateLimiters.find(tier) : null;
		if (limiter == null) {
			return problem(WebEndpointResponse.STATUS_NOT_FOUND, "No rate-limit tier '" + tier + "'");
		}
		if (this.tierOverrides == null) {
			return problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE,
					"Rate limits are changed at run time through Redis, which this application does not use");
		}
		try {
			if (limit != null) {
				this.tierOverrides.change(tier, limit);
			}
			else {
				this.tierOverrides.revert(tier);
			}
		}
		catch (RedisUnavailableException ex) {
			return problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE,
					"Redis cannot be reached, nothing was changed: " + ex.getMessage());
		}
		return new WebEndpointResponse<>(describe(limiter));
	}

	private static WebEndpointResponse<Object> problem(int status, String detail) {
		return new WebEndpointResponse<>(Map.of("status", status, "detail", detail), status);
	}

	private RedisDescriptor describeRedis() {
		if (this.redis == null) {
			return new RedisDescriptor("NOT_CONFIGURED", null, null, null, 0, null);
		}
		RedisHealthState state = this.redis.state();
		InvalidationsDescriptor invalidations = null;
		if (this.invalidations != null) {
			RedisCacheInvalidations.Subscription subscription = this.invalidations.subscription();
			invalidations = new InvalidationsDescriptor(subscription.state().name(), this.invalidations.channel(),
					subscription.since().toString(), subscription.reason());
		}
		return new RedisDescriptor(state.isFallback() ? "FALLBACK" : "IN_USE", this.redis.breaker().getState().name(),
				state.since().toString(), state.lastError(), state.fallbackActivations(), invalidations);
	}

	private @Nullable RateLimitsDescriptor describeRateLimits() {
		if (this.rateLimiters == null) {
			return null;
		}
		Map<String, TierDescriptor> tiers = new TreeMap<>();
		for (TierRateLimiter limiter : this.rateLimiters.all()) {
			tiers.put(limiter.tier().name(), describe(limiter));
		}
		int instances = this.rateLimiters.liveInstances();
		return new RateLimitsDescriptor(this.rateLimiters.isDistributed() ? "DISTRIBUTED" : "LOCAL", tiers,
				instances, 1.0 / instances);
	}

	private static TierDescriptor describe(TierRateLimiter limiter) {
		RateLimitTier tier = limiter.tier();
		RateLimitStatistics statistics = limiter.statistics();
		Map<String, List<LimitDescriptor>> plans = new TreeMap<>();
		limiter.plans().forEach((name, plan) -> plans.put(name, describe(plan.limits())));
		return new TierDescriptor(describe(tier.limits()), tier.onRedisFailure().name(), statistics.allowed(),
				statistics.rejected(), statistics.checks(Enforcement.LOCAL), limiter.localBuckets(),
				limiter.isChanged(), plans, tier.mode().name(), statistics.shadowRejected());
	}

	private static List<LimitDescriptor> describe(List<RateLimitTier.Limit> limits) {
		return limits.stream()
			.map((limit) -> new LimitDescriptor(limit.capacity(), limit.refillTokens(), limit.refillPeriod().toString()))
			.toList();
	}

	private static CacheDescriptor describe(TieredCache cache) {
		CacheStatistics statistics = cache.statistics();
		Map<String, Long> errors = new TreeMap<>();
		for (CacheStatistics.ErrorKind kind : CacheStatistics.ErrorKind.values()) {
			errors.put(kind.tag(), statistics.errors(kind));
		}
		TieredCacheSettings settings = cache.settings();
		return new CacheDescriptor(cache.hasL2() ? "TIERED" : "L1_ONLY", cache.l1Size(), statistics.hitRatio(true),
				statistics.hitRatio(false), statistics.l1Hits(), statistics.l1Misses(), statistics.l2Hits(),
				statistics.l2Misses(), statistics.loadSuccesses(), statistics.loadFailures(), errors,
				statistics.staleServed(), new SettingsDescriptor(settings.l1Enabled(), settings.l1Ttl().toString(),
						settings.l1MaxSize(), settings.l2Enabled(), settings.l2Ttl().toString(),
						settings.staleTtl().toString(), settings.refreshAhead().toString(), settings.lock()));
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param redis the Redis mode
	 * @param caches the caches by name
	 * @param rateLimits the rate-limit tiers, or {@code null} when rate limiting is off
	 */
	public record TiergateDescriptor(RedisDescriptor redis, Map<String, CacheDescriptor> caches,
			@Nullable RateLimitsDescriptor rateLimits) {
	}

	/**
	 * Rate limiting.
	 *
	 * @param mode {@code DISTRIBUTED} while buckets live in Redis, {@code LOCAL} while
	 * they live in this JVM (no Redis, or an outage)
	 * @param tiers the tiers by name
	 * @param instancesSeen the instances alive at this one's last heartbeat, itself
	 * included; 1 without Redis or with fair shares off
	 * @param outageShare the share of each limit that this instance's local buckets of a
	 * {@code local} tier hold during an outage, 1/instancesSeen (capacities rounded down, at
	 * least 1 token)
	 */
	public record RateLimitsDescriptor(String mode, Map<String, TierDescriptor> tiers, int instancesSeen,
			double outageShare) {
	}

	/**
	 * One rate-limit tier.
	 *
	 * @param limits its limits, the main one first
	 * @param onRedisFailure what it does while Redis is away
	 * @param allowed calls allowed since startup
	 * @param rejected calls rejected since startup
	 * @param checkedLocally checks made in this JVM rather than in Redis
	 * @param localBuckets clients with a bucket in this JVM now
	 * @param changed whether the main limit was changed at run time and differs from the
	 * configured one
	 * @param plans the limits of each plan
	 * @param mode {@code ENFORCE}, or {@code SHADOW} when refusals are only counted
	 * @param shadowRejected calls of a shadow tier its buckets refused and that went on
	 */
	public record TierDescriptor(List<LimitDescriptor> limits, String onRedisFailure, long allowed, long rejected,
			long checkedLocally, long localBuckets, boolean changed, Map<String, List<LimitDescriptor>> plans,
			String mode, long shadowRejected) {
	}

	/**
	 * One token bucket limit.
	 *
	 * @param capacity the most tokens a bucket holds
	 * @param refillTokens the tokens added per period
	 * @param refillPeriod the period
	 */
	public record LimitDescriptor(long capacity, long refillTokens, String refillPeriod) {
	}

	/**
	 * The Redis connection.
	 *
	 * @param mode {@code IN_USE}, {@code FALLBACK} or {@code NOT_CONFIGURED}
	 * @param circuitBreaker the breaker's state
	 * @param since when the current mode started
	 * @param lastError the last Redis failure
	 * @param fallbackActivations entries into fallback since startup
	 * @param invalidations whether this instance receives cache invalidations, or
	 * {@code null} when caching does not use Redis
	 */
	public record RedisDescriptor(String mode, @Nullable String circuitBreaker, @Nullable String since,
			@Nullable String lastError, long fallbackActivations, @Nullable InvalidationsDescriptor invalidations) {
	}

	/**
	 * The subscription to cache invalidations.
	 *
	 * @param state {@code SUBSCRIBING}, {@code SUBSCRIBED} or {@code NOT_SUBSCRIBED}
	 * @param channel the pub/sub channel
	 * @param since when the subscription entered that state
	 * @param error why it is not subscribed
	 */
	public record InvalidationsDescriptor(String state, String channel, String since, @Nullable String error) {
	}

	/**
	 * One cache.
	 *
	 * @param mode {@code TIERED} or {@code L1_ONLY}
	 * @param l1Size entries in L1
	 * @param l1HitRatio share of L1 lookups that hit
	 * @param l2HitRatio share of L2 lookups that hit
	 * @param l1Hits L1 hits
	 * @param l1Misses L1 misses
	 * @param l2Hits L2 hits
	 * @param l2Misses L2 misses
	 * @param loads method invocations that returned
	 * @param loadFailures method invocations that threw
	 * @param errors absorbed failures by kind
	 * @param staleServed stale values returned for a failing method
	 * @param settings the cache's settings
	 */
	public record CacheDescriptor(String mode, long l1Size, double l1HitRatio, double l2HitRatio, long l1Hits,
			long l1Misses, long l2Hits, long l2Misses, long loads, long loadFailures, Map<String, Long> errors,
			long staleServed, SettingsDescriptor settings) {
	}

	/**
	 * The settings of one cache.
	 *
	 * @param l1Enabled whether L1 is used
	 * @param l1Ttl L1 time to live
	 * @param l1MaxSize L1 maximum size
	 * @param l2Enabled whether L2 is used
	 * @param l2Ttl L2 time to live
	 * @param staleTtl stale window
	 * @param refreshAhead refresh-ahead window
	 * @param lock whether the cross-instance lock is on
	 */
	public record SettingsDescriptor(boolean l1Enabled, String l1Ttl, long l1MaxSize, boolean l2Enabled, String l2Ttl,
			String staleTtl, String refreshAhead, boolean lock) {
	}

}
