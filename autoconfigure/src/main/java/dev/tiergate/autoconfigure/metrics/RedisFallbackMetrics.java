package dev.tiergate.autoconfigure.metrics;

import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisHealthState;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes tiergate's Redis state to Micrometer:
 * <ul>
 * <li>{@code tiergate.redis.fallback.active} (gauge: 1 while serving without Redis, else
 * 0)</li>
 * <li>{@code tiergate.redis.fallback.activations} (counter of entries into fallback)</li>
 * <li>{@code tiergate.redis.circuit.breaker.state} (gauge: 0 closed, 1 open, 2 half-open,
 * 3 other)</li>
 * </ul>
 */
final class RedisFallbackMetrics implements MeterBinder {

	private final GuardedRedis redis;

	/**
	 * Creates the metrics of a guarded Redis.
	 * @param redis the guarded Redis
	 */
	RedisFallbackMetrics(GuardedRedis redis) {
		this.redis = redis;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		RedisHealthState state = this.redis.state();
		Gauge.builder("tiergate.redis.fallback.active", state, (s) -> s.isFallback() ? 1 : 0)
			.description("Whether tiergate serves without Redis (1) or uses it (0)")
			.register(registry);
		FunctionCounter.builder("tiergate.redis.fallback.activations", state, RedisHealthState::fallbackActivations)
			.description("Times tiergate entered fallback because Redis was unavailable")
			.register(registry);
		Gauge.builder("tiergate.redis.circuit.breaker.state", this.redis.breaker(),
				(breaker) -> stateCode(breaker.getState()))
			.description("State of the circuit breaker around Redis: 0 closed, 1 open, 2 half-open, 3 other")
			.register(registry);
	}

	private static int stateCode(CircuitBreaker.State state) {
		return switch (state) {
			case CLOSED -> 0;
			case OPEN -> 1;
			case HALF_OPEN -> 2;
			default -> 3;
		};
	}

}
