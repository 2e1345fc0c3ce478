package dev.tiergate.health;

import java.util.function.BooleanSupplier;

import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisHealthState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of tiergate: {@code UP} while Redis is in use, {@link #DEGRADED} while tiergate
 * serves without it. {@code DEGRADED} is not {@code DOWN}: the application works, from L1
 * and local rate limits, which is the point of the fallback. Details: {@code redis}
 * (UP/DOWN), {@code cacheMode} (TIERED/L1_ONLY), {@code rateLimitMode}
 * (DISTRIBUTED/LOCAL, when rate limiting is on), {@code circuitBreaker}, {@code since},
 * {@code lastError}, {@code fallbackActivations}.
 */
public final class TiergateHealthIndicator extends AbstractHealthIndicator {

	/** Status while Redis is unavailable and tiergate serves from its fallback. */
	public static final Status DEGRADED = new Status("DEGRADED", "Redis is unavailable; serving from the fallback");

	private final GuardedRedis redis;

	private final @Nullable BooleanSupplier rateLimitDistributed;

	/**
	 * Creates an indicator.
	 * @param redis the guarded Redis whose state to report
	 * @param rateLimitDistributed tells whether rate limits are enforced in Redis now, or
	 * {@code null} when rate limiting is off
	 */
	public TiergateHealthIndicator(GuardedRedis redis, @Nullable BooleanSupplier rateLimitDistributed) {
		super("tiergate health check failed");
		this.redis = redis;
		this.rateLimitDistributed = rateLimitDistributed;
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
		builder.withDetail("circuitBreaker", this.redis.breaker().getState().name())
			.withDetail("since", state.since().toString())
			.withDetail("fallbackActivations", state.fallbackActivations());
		String lastError = state.lastError();
		if (lastError != null) {
			builder.withDetail("lastError", lastError);
		}
	}

}
