package dev.tiergate.cache.warmup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.InvalidSettingException;
import dev.tiergate.cache.L2Store;
import dev.tiergate.cache.TieredCaches;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs the {@link CacheWarmer}s of an application: once at startup, waiting for them at
 * most the timeout, and then on a schedule, if one is given. Runs happen one at a time on
 * a single daemon thread of their own ({@code tiergate-warmup}), stopped by
 * {@link #close()}.
 * <p>
 * With a shared store, one instance warms a cache per run: the one that takes the cache's
 * lease in Redis; the others skip the run and read the warmed entries from L2. Without
 * Redis (caches on L1 only, a cache with L2 disabled, or Redis down) every instance warms
 * its own L1. A run stops putting when its time is over; a warmer that fails is logged
 * and reported, and never stops the application.
 */
public final class CacheWarmup implements AutoCloseable {

	/** How long a run may take by default. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	/** How long by default a run keeps the other instances from warming the same cache. */
	public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);

	private static final Log logger = LogFactory.getLog(CacheWarmup.class);

	private final Supplier<? extends Collection<? extends CacheWarmer>> warmers;

	private final WarmupRun run;

	private final Duration timeout;

	private final Duration lease;

	private final Ticker ticker;

	private final @Nullable WarmupSchedule schedule;

	private final ScheduledThreadPoolExecutor executor;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private CacheWarmup(Builder builder) {
		this.warmers = builder.warmers;
		this.timeout = builder.timeout;
		this.lease = builder.lease;
		this.ticker = builder.ticker;
		this.run = new WarmupRun(builder.caches, new WarmupLease(builder.l2),
				builder.ticker, builder.listener);
		UnaryOperator<@Nullable Instant> nextRun = builder.nextRun;
		this.schedule = (nextRun != null) ? new WarmupSchedule(nextRun, builder.clock) : null;
		this.executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "tiergate-warmup");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	/**
	 * Starts the warm-up of the caches of an application, which runs no warmer until asked
	 * to; without {@link Builder#l2 a shared store}, every instance warms its own L1.
	 * @param caches the tiered caches the entries go to
	 * @param warmers the warmers, asked for at every run
	 * @return the builder
	 */
	public static Builder builder(TieredCaches caches, Supplier<? extends Collection<? extends CacheWarmer>> warmers) {
		return new Builder(caches, warmers);
	}

	/**
	 * Runs every warmer once and waits for them at most the timeout; when it is over, the
	 * run is interrupted and stops putting, and this method returns.
	 */
	public void run() {
		Collection<? extends CacheWarmer> warmers = this.warmers.get();
		if (warmers.isEmpty()) {
			return;
		}
		Future<?> running = this.executor.submit(() -> runOnce(warmers));
		try {
			running.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			running.cancel(true);
			logger.warn("Cache warm-up did not finish within " + this.timeout.toMillis() + " ms"
					+ " (tiergate.cache.warmup.timeout); the application goes on without waiting for it");
		}
		catch (ExecutionException ex) {
			logger.warn("Cache warm-up failed; the application goes on without it", ex.getCause());
		}
		catch (InterruptedException ex) {
			running.cancel(true);
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Starts the scheduled runs, if a schedule was given and they have not started yet:
	 * each bounded by the timeout.
	 */
	public void startSchedule() {
		WarmupSchedule schedule = this.schedule;
		if (schedule != null && this.scheduled.compareAndSet(false, true)) {
			schedule.start(this.executor, () -> {
				Collection<? extends CacheWarmer> warmers = this.warmers.get();
				try {
					runOnce(warmers);
				}
				catch (RuntimeException | LinkageError ex) {
					logger.warn("A scheduled cache warm-up failed", ex);
				}
			});
		}
	}

	private void runOnce(Collection<? extends CacheWarmer> warmers) {
		long deadline = this.ticker.read() + this.timeout.toNanos();
		WarmupSchedule schedule = this.schedule;
		this.run.run(warmers, deadline, (schedule != null) ? schedule.leaseFor(this.lease) : this.lease);
	}

	/**
	 * Stops the scheduled runs and interrupts a run under way.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/**
	 * How a run of the warmers of one cache ended.
	 */
	public enum Outcome {

		/** Every warmer's entries were put, or those of the warmers that did not fail. */
		COMPLETED,

		/** The time was over before every entry was put. */
		TIMED_OUT,

		/** A warmer threw, or a batch of its entries could not be put; the other warmers ran. */
		FAILED,

		/** Another instance holds the cache's lease: it warms L2 for all. */
		SKIPPED_LEASE;

		/**
		 * Returns the outcome as a meter tag, for example {@code timed-out}.
		 * @return the tag value
		 */
		public String tagValue() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	/**
	 * What a run of the warmers of one cache did.
	 *
	 * @param cacheName the cache
	 * @param outcome how the run ended
	 * @param loaded the number of entries put
	 * @param failed the number of entries that could not be put
	 * @param duration how long the run took
	 */
	public record Result(String cacheName, Outcome outcome, long loaded, long failed, Duration duration) {
	}

	/**
	 * Is told the result of every run of the warmers of a cache, for example to meter it.
	 */
	@FunctionalInterface
	public interface Listener {

		/** Hears nothing. */
		Listener NONE = (result) -> {
		};

		/**
		 * Called on the warm-up thread when the warmers of a cache have run.
		 * @param result what the run did
		 */
		void finished(Result result);

	}

	/**
	 * Builds a {@link CacheWarmup}.
	 */
	public static final class Builder {

		private final TieredCaches caches;

		private final Supplier<? extends Collection<? extends CacheWarmer>> warmers;

		private @Nullable L2Store l2;

		private Duration timeout = DEFAULT_TIMEOUT;

		private Duration lease = DEFAULT_LEASE;

		private @Nullable UnaryOperator<@Nullable Instant> nextRun;

		private Clock clock = Clock.systemUTC();

		private Ticker ticker = Ticker.systemTicker();

		private Listener listener = Listener.NONE;

		private Builder(TieredCaches caches, Supplier<? extends Collection<? extends CacheWarmer>> warmers) {
			this.caches = caches;
			this.warmers = warmers;
		}

		/**
		 * Sets the store that holds the lease of each cache, so that one instance warms
		 * per run.
		 * @param l2 the shared store of the caches, or {@code null} for every instance to
		 * warm its own L1
		 * @return this builder
		 */
		public Builder l2(@Nullable L2Store l2) {
			this.l2 = l2;
			return this;
		}

		/**
		 * Sets how long a run may take.
		 * @param timeout the time, positive
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = positive(timeout, "timeout");
			return this;
		}

		/**
		 * Sets how long a run keeps the other instances from warming the same cache:
		 * instances that start meanwhile read what it put in L2. With a schedule, a lease
		 * lasts at most half the time to the next run.
		 * @param lease the time, positive
		 * @return this builder
		 */
		public Builder lease(Duration lease) {
			this.lease = positive(lease, "lease");
			return this;
		}

		/**
		 * Sets when the scheduled runs happen.
		 * @param nextRun the time of the next run after a given time, or {@code null} for
		 * no further run; for example a cron expression's {@code next}
		 * @return this builder
		 */
		public Builder schedule(UnaryOperator<@Nullable Instant> nextRun) {
			this.nextRun = nextRun;
			return this;
		}

		/**
		 * Sets the clock the schedule reads.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Sets the time source of the timeout within a run.
		 * @param ticker the ticker
		 * @return this builder
		 */
		public Builder ticker(Ticker ticker) {
			this.ticker = ticker;
			return this;
		}

		/**
		 * Sets what is told the result of every run.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(Listener listener) {
			this.listener = listener;
			return this;
		}

		/**
		 * Builds the warm-up.
		 * @return the warm-up, which runs nothing until {@link CacheWarmup#run()} or
		 * {@link CacheWarmup#startSchedule()}
		 */
		public CacheWarmup build() {
			return new CacheWarmup(this);
		}

		private static Duration positive(Duration duration, String name) {
			if (duration.isNegative() || duration.isZero()) {
				throw new InvalidSettingException(name, duration, "must be positive but was " + duration);
			}
			return duration;
		}

	}

}
