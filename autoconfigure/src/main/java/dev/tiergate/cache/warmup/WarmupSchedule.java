package dev.tiergate.cache.warmup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The scheduled runs: each is planned when the previous one ended, at the next time the
 * schedule (a cron expression, in practice) gives after now, on the warm-up thread.
 */
final class WarmupSchedule {

	private static final Log logger = LogFactory.getLog(CacheWarmup.class);

	private final UnaryOperator<@Nullable Instant> nextRun;

	private final Clock clock;

	WarmupSchedule(UnaryOperator<@Nullable Instant> nextRun, Clock clock) {
		this.nextRun = nextRun;
		this.clock = clock;
	}

	/** Plans the next run of a task, and after it the one after, until the schedule has no next time. */
	void start(ScheduledExecutorService executor, Runnable run) {
		Instant now = this.clock.instant();
		Instant next = this.nextRun.apply(now);
		if (next == null) {
			logger.info("The warm-up schedule has no further run");
			return;
		}
		long delay = Math.max(0, Duration.between(now, next).toNanos());
		executor.schedule(() -> {
			try {
				run.run();
			}
			finally {
				if (!executor.isShutdown()) {
					start(executor, run);
				}
			}
		}, delay, TimeUnit.NANOSECONDS);
	}

	/**
	 * Returns how long a run's lease lasts: the configured lease, but at most half the time
	 * to the next scheduled run, which must find the lease free on every instance, even with
	 * their clocks a little apart.
	 */
	Duration leaseFor(Duration lease) {
		Instant now = this.clock.instant();
		Instant next = this.nextRun.apply(now);
		if (next == null) {
			return lease;
		}
		Duration halfway = Duration.between(now, next).dividedBy(2);
		Duration capped = (halfway.compareTo(lease) < 0) ? halfway : lease;
		return (capped.toMillis() >= 1) ? capped : Duration.ofMillis(1);
	}

}
