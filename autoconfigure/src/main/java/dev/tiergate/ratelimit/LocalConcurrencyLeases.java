package dev.tiergate.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/**
 * Counts the calls in flight per client of one tier in this JVM: a semaphore per client,
 * kept only while calls are in flight, so idle clients take no memory. Leases in this JVM
 * end with their call, so they need no expiry.
 */
final class LocalConcurrencyLeases implements ConcurrencyLeases {

	private static final String LEASE = "local";

	private final ConcurrentMap<String, Integer> inFlight = new ConcurrentHashMap<>();

	@Override
	public @Nullable String tryAcquire(RateLimitTier tier, String clientKey) {
		int max = maxCalls(tier);
		boolean[] acquired = new boolean[1];
		this.inFlight.compute(clientKey, (key, calls) -> {
			int held = (calls != null) ? calls : 0;
			acquired[0] = held < max;
			return acquired[0] ? held + 1 : calls;
		});
		return acquired[0] ? LEASE : null;
	}

	@Override
	public void release(RateLimitTier tier, String clientKey, String lease) {
		this.inFlight.computeIfPresent(clientKey, (key, calls) -> (calls > 1) ? calls - 1 : null);
	}

	int inFlight(String clientKey) {
		Integer calls = this.inFlight.get(clientKey);
		return (calls != null) ? calls : 0;
	}

	private static int maxCalls(RateLimitTier tier) {
		RateLimitTier.Concurrency concurrency = tier.concurrency();
		if (concurrency == null) {
			throw new IllegalArgumentException("Tier '" + tier.name() + "' has no concurrency limit");
		}
		return concurrency.maxCalls();
	}

}
