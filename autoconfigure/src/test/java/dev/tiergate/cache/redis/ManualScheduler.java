package dev.tiergate.cache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RedisCacheInvalidations.Scheduler} that runs nothing by itself: the test runs
 * the tasks one by one, in the order they were scheduled, and reads their delays, so a
 * backoff is checked without waiting it out.
 */
final class ManualScheduler implements RedisCacheInvalidations.Scheduler {

	private final LinkedBlockingQueue<Scheduled> tasks = new LinkedBlockingQueue<>();

	private final List<Duration> delays = new ArrayList<>();

	private volatile boolean shutdown;

	@Override
	public void schedule(Runnable task, Duration delay) {
		if (!this.shutdown) {
			this.tasks.add(new Scheduled(task, delay));
		}
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
	}

	/**
	 * Runs the next task on the caller's thread, waiting up to 5 seconds for one (Lettuce's
	 * callbacks schedule some).
	 * @return the delay it was scheduled with
	 */
	Duration runNext() {
		Scheduled next;
		try {
			next = this.tasks.poll(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		if (next == null) {
			throw new AssertionError("Nothing was scheduled");
		}
		synchronized (this.delays) {
			this.delays.add(next.delay());
		}
		next.task().run();
		return next.delay();
	}

	/**
	 * Returns how many tasks wait to be run.
	 * @return the number of tasks
	 */
	int pending() {
		return this.tasks.size();
	}

	private record Scheduled(Runnable task, Duration delay) {
	}

}
