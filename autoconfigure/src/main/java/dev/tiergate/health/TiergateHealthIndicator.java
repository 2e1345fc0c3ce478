package dev.tiergate.health;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.tiergate.cache.redis.RedisCacheInvalidations;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisHealthState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of tiergate: {@code UP} while Redis is in use, {@link #DEGRADED} while tiergate
 * serves without it, or while Redis is in use but this instance does not receive the
 * other instances' cache invalidations. {@code DEGRADED} is not {@code DOWN}: the
 * application works, from L1 and local rate limits, which is the point of the fallback.
 * Details: {@code redis} (UP/DOWN), {@code cacheMode} (TIERED/L1_ONLY),
 * {@code rateLimitMode} (DISTRIBUTED/LOCAL, when rate limiting is on),
 * {@code invalidations} (SUBSCRIBING/SUBSCRIBED/NOT_SUBSCRIBED, when caching uses Redis)
 * with {@code invalidationsSince} and {@code invalidationsError}, {@code circuitBreaker},
 * {@code since}, {@code lastError}, {@code fallbackActivations}.
 */
public final class TiergateHealthIndicator extends AbstractHealthIndicator {

	/** Status while Redis is unavailable and tiergate serves from its fallback. */
	public static final Status DEGRADED = new Status("DEGRADED", "Redis is unavailable; serving from the fallback");

	private final GuardedRedis redis;

	private final @Nullable BooleanSupplier rateLimitDistributed;

	private final @Nullable Supplier<RedisCacheInvalidations.Subscription> invalidations;

	/**
	 * Creates an indicator without cache invalidations to report.
	 * @param redis the guarded Redis whose state to report
	 * @param rateLimitDistributed tells whether rate limits are enforced in Redis now, or
	 * {@code null} when rate limiting is off
	 */
	public TiergateHealthIndicator(GuardedRedis redis, @Nullable BooleanSupplier rateLimitDistributed) {
		this(redis, rateLimitDistributed, null);
	}

	/**
	 * Creates an indicator.
	 * @param redis the guarded Redis whose state to report
	 * @param rateLimitDistributed tells whether rate limits are enforced in Redis now, or
	 * {@code null} when rate limiting is off
	 * @param invalidations tells whether this instance receives cache invalidations, or
	 * {@code null} when caching does not use Redis
	 */
	public TiergateHealthIndicator(GuardedRedis redis, @Nullable BooleanSupplier rateLimitDistributed,
			@Nullable Supplier<RedisCacheInvalidations.Subscription> invalidations) {
		super("tiergate health check failed");
		this.redis = redis;
		this.rateLimitDistributed = rateLimitDistributed;
		this.invalidations = invalidations;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		RedisHealthState state = this.redis.state();
		boolean fallback = state.isFallback();
		builder.status(fallback ? DEGRADED : Status.UP)
			.withDetail("redis", fallback ? "DOWN" : "UP")
			.withDetail("cacheMode", fallback ? "L1_ONLY" : "TIERED");
		if (this.rateLimitDistributed != null) {
			builder.withDetail("rateLimitMode", this.rateLimitDistributed.getAsBoolean() ? "DISTRIBUTED" : "LOCAL");
		}
		if (this.invalidations != null) {
			RedisCacheInvalidations.Subscription subscription = this.invalidations.get();
			builder.withDetail("invalidations", subscription.state().name())
				.withDetail("invalidationsSince", subscription.since().toString());
			if (subscription.reason() != null) {
				builder.withDetail("invalidationsError", subscription.reason());
			}
			// In fallback L1 is cleared on recovery anyway; with Redis in use, a deaf instance keeps stale L1.
			if (!fallback && subscription.state() == RedisCacheInvalidations.Subscription.State.NOT_SUBSCRIBED) {
				builder.status(new Status(DEGRADED.getCode(),
						"This instance receives no cache invalidations: " + subscription.reason()));
			}
		}
		builder.withDetail("circuitBreaker", this.redis.breaker().getState().name())
			.withDetail("since", state.since().toString())
			.withDetail("fallbackActivations", state.fallbackActivations());
		String lastError = state.lastError();
		if (lastError != null) {
			builder.withDetail("lastError", lastError);
		}
	}

}
