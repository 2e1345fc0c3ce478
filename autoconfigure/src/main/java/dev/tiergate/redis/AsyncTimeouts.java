package dev.tiergate.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * The timeouts of {@link GuardedRedis#callAsync}: one daemon thread that sleeps until the
 * oldest deadline and expires the calls still waiting by then.
 * <p>
 * Every call of one guard has the same timeout, so deadlines come in the order the calls
 * start, and a queue in arrival order is a queue in deadline order. Adding a call
 * therefore never has to wake the thread: no call added after the thread last looked is
 * due before that look plus the timeout, and the thread never sleeps longer than the
 * timeout. {@code CompletableFuture.orTimeout}, by contrast, schedules on a
 * {@code ScheduledThreadPoolExecutor} that wakes its thread whenever a task becomes the
 * head of its queue: for calls that Redis answers well within the timeout (their tasks
 * cancelled and removed), that is every call, a thread wake-up and a lock per command.
 * <p>
 * A call that takes its start time, is descheduled, and is added after a later call may
 * expire late by the time it was descheduled, as a timeout scheduled after taking its
 * start time would.
 */
final class AsyncTimeouts implements AutoCloseable {

	/**
	 * Longest sleep: answered calls leave the queue when the thread next looks, so this
	 * bounds how long they stay in it.
	 */
	private static final long MAX_SLEEP_NANOS = Duration.ofMillis(100).toNanos();

	private final long sleepNanos;

	/** Where calls are added: a multi-producer, single-consumer linked queue. */
	private final AtomicReference<Entry> tail;

	/** The last entry taken off the queue (read by the timeout thread only). */
	private Entry head;

	private final @Nullable Thread thread;

	private volatile boolean closed;

	/**
	 * Creates the timeouts of calls without a thread to expire them: {@link #expireDue}
	 * does, when called.
	 * @param timeout the timeout of every call
	 */
	AsyncTimeouts(Duration timeout) {
		this(timeout, null);
	}

	private AsyncTimeouts(Duration timeout, @Nullable String threadName) {
		this.sleepNanos = Math.max(1, Math.min(timeout.toNanos(), MAX_SLEEP_NANOS));
		this.head = new Entry(0) {

			@Override
			boolean isSettled() {
				return true;
			}

			@Override
			void expire() {
			}

		};
		this.tail = new AtomicReference<>(this.head);
		if (threadName != null) {
			Thread expiring = new Thread(this::run, threadName);
			expiring.setDaemon(true);
			this.thread = expiring;
			expiring.start();
		}
		else {
			this.thread = null;
		}
	}

	/**
	 * Creates the timeouts of calls and starts the thread that expires them.
	 * @param timeout the timeout of every call
	 * @param threadName the name of the thread
	 * @return the running timeouts
	 */
	static AsyncTimeouts start(Duration timeout, String threadName) {
		return new AsyncTimeouts(timeout, threadName);
	}

	/**
	 * Adds a call, to be expired at its deadline unless it is settled first. Lock-free,
	 * and never wakes the thread.
	 * @param entry the call
	 */
	void add(Entry entry) {
		Entry previous = this.tail.getAndSet(entry);
		previous.next = entry;
	}

	/**
	 * Takes every settled call off the head of the queue and expires every call due at
	 * {@code now}; called by the thread each time it wakes.
	 * @param now the time, from {@link System#nanoTime()}
	 * @return how long to sleep before the next look
	 */
	long expireDue(long now) {
		Entry next;
		while ((next = this.head.next) != null) {
			if (!next.isSettled()) {
				long remaining = next.deadline - now;
				if (remaining > 0) {
					return Math.min(remaining, this.sleepNanos);
				}
				next.expire();
			}
			// The entry taken off becomes the head: what it still references it has let go of when settling.
			this.head = next;
		}
		return this.sleepNanos;
	}

	/**
	 * Returns whether the queue holds no call, settled or not (for tests).
	 */
	boolean isEmpty() {
		return this.head.next == null;
	}

	/**
	 * Returns whether the thread that expires calls runs.
	 */
	boolean isRunning() {
		return this.thread != null && this.thread.isAlive();
	}

	boolean isClosed() {
		return this.closed;
	}

	private void run() {
		// Once closed, the calls still under way keep their timeouts; the thread ends once none is left.
		while (!this.closed || !isEmpty()) {
			long sleep = expireDue(System.nanoTime());
			if (this.closed && isEmpty()) {
				return;
			}
			LockSupport.parkNanos(this, sleep);
		}
	}

	/**
	 * Stops taking calls; the thread ends once the calls under way are settled or expired.
	 */
	@Override
	public void close() {
		this.closed = true;
		if (this.thread != null) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * A call with a deadline.
	 */
	abstract static class Entry {

		private final long deadline;

		private volatile @Nullable Entry next;

		/**
		 * Creates an entry.
		 * @param deadline when the call times out, in {@link System#nanoTime()} time
		 */
		Entry(long deadline) {
			this.deadline = deadline;
		}

		/** Returns whether the call has an outcome: its reply, its failure, or its expiry. */
		abstract boolean isSettled();

		/** Fails the call with a timeout, unless its reply came first; on the timeout thread, so it must not block. */
		abstract void expire();

	}

}
