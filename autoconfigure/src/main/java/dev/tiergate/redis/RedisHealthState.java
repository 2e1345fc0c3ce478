package dev.tiergate.redis;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Whether tiergate is using Redis or serving without it, since when, and why. Each
 * transition is logged once: WARN with the cause when entering fallback, INFO on
 * recovery, never once per request.
 */
public final class RedisHealthState {

	private static final Log logger = LogFactory.getLog(RedisHealthState.class);

	private final Clock clock;

	private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();

	private final AtomicLong fallbackActivations = new AtomicLong();

	private volatile boolean fallback;

	private volatile Instant since;

	private volatile @Nullable String lastError;

	/**
	 * Creates a state that starts out using Redis.
	 * @param clock the clock for {@link #since()}
	 */
	public RedisHealthState(Clock clock) {
		this.clock = clock;
		this.since = clock.instant();
	}

	/**
	 * Returns whether tiergate is serving without Redis.
	 * @return whether in fallback
	 */
	public boolean isFallback() {
		return this.fallback;
	}

	/**
	 * Returns when the current mode started.
	 * @return the instant
	 */
	public Instant since() {
		return this.since;
	}

	/**
	 * Returns the last Redis failure: its type and message, never a password (Lettuce's
	 * messages name hosts, not credentials).
	 * @return the last error, or {@code null} if there was none
	 */
	public @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * Returns how often tiergate entered fallback since startup.
	 * @return the number of activations
	 */
	public long fallbackActivations() {
		return this.fallbackActivations.get();
	}

	/**
	 * Registers an action to run when Redis is back, before it is used again: for
	 * example clearing L1, which may have missed invalidations.
	 * @param listener the action
	 */
	public void onRecovery(Runnable listener) {
		this.recoveryListeners.add(listener);
	}

	/**
	 * Records that Redis failed, entering fallback if not already in it.
	 * @param cause what failed
	 */
	public void enterFallback(@Nullable Throwable cause) {
		if (cause != null) {
			this.lastError = describe(cause);
		}
		synchronized (this) {
			if (this.fallback) {
				return;
			}
			this.fallback = true;
			this.since = this.clock.instant();
			this.fallbackActivations.incrementAndGet();
		}
		logger.warn("Redis is unavailable (" + this.lastError + "); tiergate serves without it: caches from L1"
				+ " and the methods, rate limits from local buckets, until Redis answers again");
	}

	/**
	 * Records that Redis answers again, running the recovery actions first.
	 */
	public void recover() {
		synchronized (this) {
			if (!this.fallback) {
				return;
			}
			this.recoveryListeners.forEach(Runnable::run);
			this.fallback = false;
			this.since = this.clock.instant();
		}
		logger.info("Redis answers again; tiergate uses it again (L1 was cleared of entries that may have missed"
				+ " invalidations)");
	}

	/**
	 * Records a failure without changing the mode, for {@link #lastError()}.
	 * @param cause what failed
	 */
	public void recordError(Throwable cause) {
		this.lastError = describe(cause);
	}

	private static String describe(Throwable cause) {
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
