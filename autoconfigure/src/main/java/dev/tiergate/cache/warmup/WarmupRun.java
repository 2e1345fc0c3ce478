package dev.tiergate.cache.warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One run of the warmers: per cache, the lease, then each warmer's entries put in batches
 * ({@link TieredCache#putAll}: one pipelined write per batch) until the deadline. A warmer
 * that throws is logged and counted, and the others still run.
 */
final class WarmupRun {

	private static final Log logger = LogFactory.getLog(CacheWarmup.class);

	/** Entries per {@code putAll}: one round trip to Redis each, and a point to stop at when time is over. */
	static final int BATCH_SIZE = 500;

	private final TieredCaches caches;

	private final WarmupLease lease;

	private final Ticker ticker;

	private final CacheWarmup.Listener listener;

	WarmupRun(TieredCaches caches, WarmupLease lease, Ticker ticker, CacheWarmup.Listener listener) {
		this.caches = caches;
		this.lease = lease;
		this.ticker = ticker;
		this.listener = listener;
	}

	/**
	 * Runs the warmers, cache by cache in the order of the first warmer of each.
	 * @param warmers the warmers
	 * @param deadline the ticker's value at which putting stops
	 * @param leaseTime how long the lease of each cache lasts
	 */
	void run(Collection<? extends CacheWarmer> warmers, long deadline, Duration leaseTime) {
		Map<String, List<CacheWarmer>> byCache = new LinkedHashMap<>();
		warmers.forEach((warmer) -> byCache.computeIfAbsent(warmer.cacheName(), (name) -> new ArrayList<>())
			.add(warmer));
		byCache.forEach((cacheName, cacheWarmers) -> {
			CacheWarmup.Result result = warmCache(cacheName, cacheWarmers, deadline, leaseTime);
			try {
				this.listener.finished(result);
			}
			catch (RuntimeException ex) {
				logger.warn("A warm-up listener failed on the result of cache '" + cacheName + "'", ex);
			}
		});
	}

	private CacheWarmup.Result warmCache(String cacheName, List<CacheWarmer> warmers, long deadline,
			Duration leaseTime) {
		long start = this.ticker.read();
		TieredCache cache = this.caches.get(cacheName);
		if (timeIsOver(deadline)) {
			logger.warn("Warm-up of cache '" + cacheName + "' did not start: the warm-up time was over");
			return result(cacheName, CacheWarmup.Outcome.TIMED_OUT, new Progress(), start);
		}
		if (!this.lease.acquire(cache, leaseTime)) {
			logger.info("Warm-up of cache '" + cacheName + "' skipped: another instance holds its lease and warms"
					+ " L2 for all");
			return result(cacheName, CacheWarmup.Outcome.SKIPPED_LEASE, new Progress(), start);
		}
		logger.info("Warming cache '" + cacheName + "' with " + warmers.size() + " warmer(s)");
		Progress progress = new Progress();
		for (CacheWarmer warmer : warmers) {
			if (!warm(cache, warmer, deadline, progress)) {
				break;
			}
		}
		CacheWarmup.Result result = result(cacheName, progress.outcome, progress, start);
		if (result.outcome() != CacheWarmup.Outcome.COMPLETED) {
			this.lease.release(cache);
		}
		if (result.outcome() == CacheWarmup.Outcome.TIMED_OUT) {
			logger.warn("Warm-up of cache '" + cacheName + "' stopped at its time limit after putting "
					+ result.loaded() + " entries in " + result.duration().toMillis() + " ms");
		}
		else {
			logger.info("Warmed cache '" + cacheName + "': " + result.loaded() + " entries put, " + result.failed()
					+ " failed, in " + result.duration().toMillis() + " ms");
		}
		return result;
	}

	/** Runs one warmer; returns whether the run may go on with the next one. */
	private boolean warm(TieredCache cache, CacheWarmer warmer, long deadline, Progress progress) {
		if (timeIsOver(deadline)) {
			progress.outcome = CacheWarmup.Outcome.TIMED_OUT;
			return false;
		}
		Map<?, ?> entries;
		try {
			entries = warmer.entries();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			progress.outcome = CacheWarmup.Outcome.TIMED_OUT;
			return false;
		}
		catch (Exception ex) {
			if (timeIsOver(deadline)) {
				progress.outcome = CacheWarmup.Outcome.TIMED_OUT;
				return false;
			}
			logger.warn("Warmer " + describe(warmer) + " of cache '" + cache.name()
					+ "' failed; the cache goes without its entries", ex);
			progress.outcome = CacheWarmup.Outcome.FAILED;
			return true;
		}
		Map<Object, @Nullable Object> batch = new LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : entries.entrySet()) {
			batch.put(entry.getKey(), entry.getValue());
			if (batch.size() == BATCH_SIZE && !put(cache, warmer, batch, deadline, progress)) {
				return false;
			}
		}
		return batch.isEmpty() || put(cache, warmer, batch, deadline, progress);
	}

	private boolean put(TieredCache cache, CacheWarmer warmer, Map<Object, @Nullable Object> batch, long deadline,
			Progress progress) {
		if (timeIsOver(deadline)) {
			progress.outcome = CacheWarmup.Outcome.TIMED_OUT;
			return false;
		}
		try {
			cache.putAll(batch, warmer.valueType());
			progress.loaded += batch.size();
		}
		catch (RuntimeException ex) {
			logger.warn("Warmer " + describe(warmer) + " of cache '" + cache.name() + "': " + batch.size()
					+ " entries could not be put", ex);
			progress.failed += batch.size();
			progress.outcome = CacheWarmup.Outcome.FAILED;
		}
		batch.clear();
		return true;
	}

	private boolean timeIsOver(long deadline) {
		return this.ticker.read() - deadline >= 0 || Thread.currentThread().isInterrupted();
	}

	private CacheWarmup.Result result(String cacheName, CacheWarmup.Outcome outcome, Progress progress, long start) {
		return new CacheWarmup.Result(cacheName, outcome, progress.loaded, progress.failed,
				Duration.ofNanos(this.ticker.read() - start));
	}

	/** Names a warmer in logs: its own text, or its class rather than an identity hash. */
	private static String describe(CacheWarmer warmer) {
		String text = warmer.toString();
		String className = warmer.getClass().getName();
		return text.startsWith(className + "@") ? className : text;
	}

	private static final class Progress {

		private CacheWarmup.Outcome outcome = CacheWarmup.Outcome.COMPLETED;

		private long loaded;

		private long failed;

	}

}
