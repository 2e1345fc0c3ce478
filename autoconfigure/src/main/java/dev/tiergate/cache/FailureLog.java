package dev.tiergate.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Counts every failure a cache absorbs and logs each kind once until it clears, never per
 * call: an outage would otherwise write a line per request.
 */
final class FailureLog {

	private static final Log logger = LogFactory.getLog(TieredCache.class);

	private final String cacheName;

	private final CacheStatistics statistics;

	private final Set<CacheStatistics.ErrorKind> warned = ConcurrentHashMap.newKeySet();

	FailureLog(String cacheName, CacheStatistics statistics) {
		this.cacheName = cacheName;
		this.statistics = statistics;
	}

	void absorb(CacheStatistics.ErrorKind kind, String message, @Nullable Throwable ex) {
		this.statistics.recordError(kind);
		if (this.warned.add(kind) && logger.isWarnEnabled()) {
			logger.warn("Tiered cache '" + this.cacheName + "': " + message, ex);
		}
	}

	void redisFailed(RuntimeException ex) {
		absorb(CacheStatistics.ErrorKind.REDIS, "Redis failed (" + ex + "); serving without L2 until it answers again", null);
	}

	/** Redis answered: its next failure is worth a line again. */
	void redisAnswered() {
		if (!this.warned.isEmpty()) {
			this.warned.remove(CacheStatistics.ErrorKind.REDIS);
		}
	}

	void debug(String message, @Nullable Throwable ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Tiered cache '" + this.cacheName + "': " + message, ex);
		}
	}

}
