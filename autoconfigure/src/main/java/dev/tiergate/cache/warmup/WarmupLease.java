package dev.tiergate.cache.warmup;

import java.time.Duration;
import java.util.UUID;

import dev.tiergate.cache.L2Store;
import dev.tiergate.cache.TieredCache;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Lets one instance warm a cache per run: a lease in Redis ({@code SET NX PX}) on
 * {@code <namespace>:<cache>:lock:warmup}. The key sits among the cache's lock keys, so a
 * clear's background removal keeps it, and no cache key encodes as {@code warmup}, so it is
 * neither a value nor the lock of one. A successful run keeps the lease until it expires:
 * instances that start meanwhile read what it warmed from L2. Without Redis there is nobody
 * to share the work with, so every instance warms its own L1.
 */
final class WarmupLease {

	private static final Log logger = LogFactory.getLog(CacheWarmup.class);

	private final @Nullable L2Store store;

	private final String token = UUID.randomUUID().toString();

	WarmupLease(@Nullable L2Store store) {
		this.store = store;
	}

	/** Whether this instance may warm the cache now: it took the lease, or there is no L2 to share. */
	boolean acquire(TieredCache cache, Duration lease) {
		L2Store store = this.store;
		if (store == null || !cache.hasL2()) {
			return true;
		}
		try {
			return store.tryLock(cache.lockKey("warmup"), this.token, lease);
		}
		catch (RuntimeException ex) {
			logger.warn("The warm-up lease of cache '" + cache.name() + "' could not be taken (" + ex
					+ "); this instance warms the cache itself");
			return true;
		}
	}

	/** Gives the lease back after a run that did not complete, so the next instance to start tries again. */
	void release(TieredCache cache) {
		L2Store store = this.store;
		if (store == null || !cache.hasL2()) {
			return;
		}
		try {
			store.unlock(cache.lockKey("warmup"), this.token);
		}
		catch (RuntimeException ex) {
			// The lease expires by itself.
			logger.debug("The warm-up lease of cache '" + cache.name() + "' could not be given back", ex);
		}
	}

}
