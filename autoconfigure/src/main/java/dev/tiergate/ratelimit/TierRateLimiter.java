package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.Locale;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.redis.RedisUnavailableException;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Checks calls against the buckets of one tier: the primary buckets (in Redis when the
 * application has it, in this JVM otherwise), and while Redis cannot be reached the
 * fallback that the tier's {@link OnRedisFailure} names.
 */
public final class TierRateLimiter {

	/** What a DENY tier tells clients to wait during an outage: about when the breaker probes Redis again. */
	private static final long DENY_RETRY_NANOS = Duration.ofSeconds(1).toNanos();

	private final RateLimitTier tier;

	private final long smallestCapacity;

	private final TokenBuckets primary;

	private final TokenBuckets fallback;

	private final LocalTokenBuckets local;

	private final RateLimitStatistics statistics = new RateLimitStatistics();

	private final TiergateObservations observations;

	private final KeyValues observedAs;

	TierRateLimiter(RateLimitTier tier, @Nullable TokenBuckets distributed, LocalTokenBuckets local,
			TiergateObservations observations) {
		this.observations = observations;
		this.observedAs = KeyValues.of("tier", tier.name());
		this.tier = tier;
		this.smallestCapacity = tier.smallestCapacity();
		this.primary = (distributed != null) ? distributed : local;
		this.fallback = fallback(tier, local);
		this.local = local;
	}

	private static TokenBuckets fallback(RateLimitTier tier, LocalTokenBuckets local) {
		return switch (tier.onRedisFailure()) {
			case LOCAL -> local;
			case ALLOW -> (checked, clientKey, cost) -> RateLimitDecision.allowed(checked, Enforcement.LOCAL, 0,
					checked.limits().get(0).capacity(), 0);
			case DENY -> (checked, clientKey, cost) -> RateLimitDecision.rejected(checked, Enforcement.LOCAL, 0, 0,
					checked.timeToFill().toNanos(), DENY_RETRY_NANOS);
		};
	}

	/**
	 * Returns the tier.
	 * @return the tier
	 */
	public RateLimitTier tier() {
		return this.tier;
	}

	/**
	 * Returns the checks of this tier since startup.
	 * @return the statistics
	 */
	public RateLimitStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Takes tokens from a client's bucket if it holds them.
	 * @param clientKey the client, as its key resolver or key expression gave it
	 * @param cost the tokens to take, at least 1 and at most the tier's smallest capacity
	 * @return the decision
	 * @throws IllegalArgumentException if the cost is out of that range: a call costing
	 * more than a capacity could never be allowed
	 */
	public RateLimitDecision check(String clientKey, long cost) {
		if (cost < 1) {
			throw new IllegalArgumentException("A call must cost at least 1 token but cost " + cost);
		}
		if (cost > this.smallestCapacity) {
			throw new IllegalArgumentException("A call of tier '" + this.tier.name() + "' must cost at most "
					+ this.smallestCapacity + " token(s), its smallest capacity, but cost " + cost);
		}
		RateLimitDecision decision = (this.observations.isEnabled() && this.primary != this.local)
				? observedCheck(clientKey, cost) : tryConsume(clientKey, cost);
		this.statistics.record(decision.outcome(), decision.enforcement());
		return decision;
	}

	/** A check that goes to Redis, as an observation tagged with its result and where it was decided. */
	private RateLimitDecision observedCheck(String clientKey, long cost) {
		Observation observation = this.observations.start(TiergateObservations.RATE_LIMIT_CHECK, this.observedAs);
		try (Observation.Scope scope = observation.openScope()) {
			RateLimitDecision decision = tryConsume(clientKey, cost);
			observation.lowCardinalityKeyValue("result", decision.outcome().tag())
				.lowCardinalityKeyValue("mode", (decision.enforcement() == Enforcement.DISTRIBUTED) ? "distributed"
						: this.tier.onRedisFailure().name().toLowerCase(Locale.ROOT));
			return decision;
		}
		catch (RuntimeException ex) {
			observation.lowCardinalityKeyValue("result", "error").error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private RateLimitDecision tryConsume(String clientKey, long cost) {
		try {
			return this.primary.tryConsume(this.tier, clientKey, cost);
		}
		catch (RedisUnavailableException ex) {
			// GuardedRedis has logged the outage once and counts it; nothing to add per call.
			return this.fallback.tryConsume(this.tier, clientKey, cost);
		}
	}

	void clearLocal() {
		this.local.deleteAll();
	}

	/**
	 * Returns the number of buckets this tier holds in this JVM.
	 * @return the number of local buckets
	 */
	public long localBuckets() {
		return this.local.size();
	}

}
