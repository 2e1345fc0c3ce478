package dev.tiergate.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

import dev.tiergate.InvalidSettingException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * Every Redis command of tiergate goes through here: bounded by the timeout, and behind a
 * circuit breaker that opens on failures and slow calls. While the breaker is open no
 * command is sent and {@link #call} fails in microseconds, so callers go on without Redis
 * at once instead of each waiting for a timeout. A background probe sends {@code PING}
 * while the breaker is not closed, so it closes again when Redis is back even if no
 * request comes; the {@link RedisHealthState} follows the breaker.
 */
public final class GuardedRedis implements AutoCloseable {

	/** Thrown while the breaker is open: one shared instance without a stack trace, as it is thrown per call. */
	private static final RedisUnavailableException BREAKER_OPEN = new RedisUnavailableException(
			"Redis is not used while the circuit breaker is open", null, false);

	/** Why an asynchronous call after {@link #close()} fails. */
	private static final RedisUnavailableException CLOSED = new RedisUnavailableException(
			"Redis is not used once tiergate's guard is closed", null, false);

	/** Keys asked of each SCAN: large enough for few round trips, small enough not to stall the server. */
	private static final int SCAN_BATCH = 500;

	private final RedisConnector connector;

	private final RedisHealthState state;

	private final CircuitBreaker breaker;

	private final long timeoutNanos;

	private final ScheduledExecutorService prober;

	private final AsyncTimeouts timeouts;

	/**
	 * Creates a guard.
	 * @param connector the connection
	 * @param state the health state to keep
	 * @param settings how the breaker decides
	 */
	public GuardedRedis(RedisConnector connector, RedisHealthState state, BreakerSettings settings) {
		this.connector = connector;
		this.state = state;
		this.timeoutNanos = connector.timeout().toNanos();
		this.timeouts = AsyncTimeouts.start(connector.timeout(), "tiergate-redis-timeouts");
		this.breaker = CircuitBreaker.of("tiergate-redis", CircuitBreakerConfig.custom()
			// Lock-free: every cache miss and rate-limit check records its outcome here.
			.slidingWindow(settings.slidingWindowSize(), settings.minimumNumberOfCalls(), SlidingWindowType.COUNT_BASED,
					SlidingWindowSynchronizationStrategy.LOCK_FREE)
			.failureRateThreshold(settings.failureRateThreshold())
			.slowCallDurationThreshold(settings.slowCallDurationThreshold())
			.slowCallRateThreshold(settings.slowCallRateThreshold())
			.waitDurationInOpenState(settings.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.recordExceptions(Throwable.class)
			.build());
		this.breaker.getEventPublisher().onStateTransition((event) -> {
			switch (event.getStateTransition().getToState()) {
				case OPEN, FORCED_OPEN -> state.enterFallback(null);
				case CLOSED -> state.recover();
				// Probe at once rather than at the next tick: writes kept during the outage wait for CLOSED.
				case HALF_OPEN -> probeSoon();
				default -> {
				}
			}
		});
		this.breaker.getEventPublisher().onError((event) -> state.recordError(event.getThrowable()));
		connector.onConnectionLost(this::connectionLost);
		this.prober = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "tiergate-redis-probe");
			thread.setDaemon(true);
			return thread;
		});
		long probeMillis = Math.max(50, settings.waitInOpenState().toMillis() / 2);
		this.prober.scheduleWithFixedDelay(this::probe, probeMillis, probeMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Sends a command and waits for its reply, at most the timeout.
	 * @param <T> the type of the reply
	 * @param command sends the command
	 * @return the reply
	 * @throws RedisUnavailableException when the breaker is open, or the command failed or
	 * timed out
	 */
	public <T> T call(RedisCall<T> command) {
		if (!this.breaker.tryAcquirePermission()) {
			throw BREAKER_OPEN;
		}
		long start = System.nanoTime();
		CompletableFuture<T> reply = null;
		try {
			reply = command.send(this.connector.commands()).toCompletableFuture();
			T value = reply.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
			this.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			return value;
		}
		catch (Exception ex) {
			if (reply != null) {
				reply.cancel(false);
			}
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw failed(start, cause);
		}
	}

	/**
	 * Sends a command without waiting for its reply: the asynchronous form of
	 * {@link #call}, under the same breaker and timeout. The reply completes on Lettuce's
	 * thread (or on the guard's timeout thread when it times out), so what follows it must
	 * not block.
	 * @param <T> the type of the reply
	 * @param command sends the command
	 * @return the reply, completed exceptionally with a {@link RedisUnavailableException}
	 * when the breaker is open, or the command failed or timed out; never thrown
	 */
	public <T> CompletableFuture<T> callAsync(RedisCall<T> command) {
		// Closed, no thread would time the call out.
		if (this.timeouts.isClosed()) {
			return CompletableFuture.failedFuture(CLOSED);
		}
		if (!this.breaker.tryAcquirePermission()) {
			return CompletableFuture.failedFuture(BREAKER_OPEN);
		}
		long start = System.nanoTime();
		CompletableFuture<T> reply;
		try {
			reply = command.send(this.connector.commands()).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(failed(start, ex));
		}
		AsyncCall<T> call = new AsyncCall<>(reply, start);
		reply.whenComplete(call);
		this.timeouts.add(call);
		return call.result;
	}

	/**
	 * One asynchronous call: settled once, by its reply or by its timeout, whichever comes
	 * first. A timeout cancels Lettuce's command rather than completing it, and the
	 * caller's future is a separate one, so that it completes only after the breaker has
	 * counted the call.
	 */
	private final class AsyncCall<T> extends AsyncTimeouts.Entry implements BiConsumer<T, Throwable> {

		private static final AtomicIntegerFieldUpdater<AsyncCall<?>> SETTLED = newSettledUpdater();

		private final CompletableFuture<T> result = new CompletableFuture<>();

		private final long start;

		/** Let go of once settled: the entry stays queued until the timeout thread next looks. */
		private @Nullable CompletableFuture<T> reply;

		private volatile int settled;

		AsyncCall(CompletableFuture<T> reply, long start) {
			super(start + GuardedRedis.this.timeoutNanos);
			this.reply = reply;
			this.start = start;
		}

		@SuppressWarnings({ "rawtypes", "unchecked" })
		private static AtomicIntegerFieldUpdater<AsyncCall<?>> newSettledUpdater() {
			return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(AsyncCall.class, "settled");
		}

		@Override
		public void accept(@Nullable T value, @Nullable Throwable ex) {
			if (!SETTLED.compareAndSet(this, 0, 1)) {
				return;
			}
			this.reply = null;
			if (ex == null) {
				succeeded(System.nanoTime() - this.start);
				this.result.complete(value);
				return;
			}
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			this.result.completeExceptionally(failed(this.start, cause));
		}

		@Override
		boolean isSettled() {
			return this.settled != 0;
		}

		@Override
		void expire() {
			if (!SETTLED.compareAndSet(this, 0, 1)) {
				return;
			}
			CompletableFuture<T> command = this.reply;
			this.reply = null;
			if (command != null) {
				command.cancel(false);
			}
			this.result.completeExceptionally(failed(this.start, new TimeoutException(
					"No reply from Redis within " + Duration.ofNanos(GuardedRedis.this.timeoutNanos))));
		}

	}

	/**
	 * Records a reply that came on Lettuce's I/O thread. One that closes a half-open
	 * breaker runs the recovery actions, which call Redis and wait: on the probe thread,
	 * since waiting on the I/O thread would wait for itself.
	 */
	private void succeeded(long elapsedNanos) {
		if (this.breaker.getState() != CircuitBreaker.State.HALF_OPEN) {
			this.breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
			return;
		}
		try {
			this.prober.execute(() -> this.breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS));
		}
		catch (RejectedExecutionException ex) {
			// Closed: nothing is left to recover.
		}
	}

	private RedisUnavailableException failed(long start, @Nullable Throwable cause) {
		this.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
		return (cause instanceof RedisUnavailableException unavailable) ? unavailable
				: new RedisUnavailableException("Redis command failed: " + cause, cause);
	}

	/**
	 * Visits every key that starts with a literal prefix, a page of {@code SCAN} at a
	 * time (never {@code KEYS}, which blocks the server), each page through
	 * {@link #call}. On a Redis Cluster the connection's {@code SCAN} goes through the
	 * masters one after the other, so every node is covered.
	 * @param keyPrefix the literal prefix; glob characters in it match only themselves
	 * @param page handles a page of keys, for example by unlinking them, and returns what
	 * it counted
	 * @return the sum of the pages' counts
	 * @throws RedisUnavailableException when a page cannot be read or handled; the pages
	 * before it have been handled
	 */
	public long scanPrefix(String keyPrefix, KeyPage page) {
		ScanArgs match = ScanArgs.Builder.matches(escapeGlob(keyPrefix) + "*").limit(SCAN_BATCH);
		long counted = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			ScanCursor current = cursor;
			KeyScanCursor<byte[]> keys = call((commands) -> commands.scan(current, match));
			if (!keys.getKeys().isEmpty()) {
				counted += page.handle(keys.getKeys());
			}
			cursor = keys;
		}
		while (!cursor.isFinished());
		return counted;
	}

	/** Makes a literal prefix safe inside a SCAN MATCH pattern. */
	private static String escapeGlob(String literal) {
		StringBuilder escaped = new StringBuilder(literal.length() + 8);
		for (int i = 0; i < literal.length(); i++) {
			char c = literal.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

	/**
	 * Returns whether commands are sent at all: false while the breaker is open.
	 * @return whether Redis is in use
	 */
	public boolean isAvailable() {
		return !this.state.isFallback();
	}

	/**
	 * Returns the health state this guard keeps.
	 * @return the state
	 */
	public RedisHealthState state() {
		return this.state;
	}

	/**
	 * Returns the circuit breaker, for metrics.
	 * @return the breaker
	 */
	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/**
	 * Returns the connection, for what does not fit a request and reply (pub/sub).
	 * @return the connector
	 */
	public RedisConnector connector() {
		return this.connector;
	}

	private void connectionLost(Throwable cause) {
		// Already open: keep the error that opened it (a refused login says more than "lost").
		if (this.breaker.getState() == CircuitBreaker.State.CLOSED
				|| this.breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
			this.state.recordError(cause);
			this.breaker.transitionToOpenState();
		}
	}

	private void probeSoon() {
		try {
			this.prober.execute(this::probe);
		}
		catch (RejectedExecutionException ex) {
			// Closed: no more probes.
		}
	}

	/**
	 * Pings while the breaker is not closed: once when it is open (the call is refused
	 * until the open wait has passed), back to back while it is half-open, so that the
	 * permitted calls decide at the speed of Redis instead of one per tick.
	 */
	private void probe() {
		int halfOpenCalls = this.breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
		for (int i = 0; i < halfOpenCalls; i++) {
			CircuitBreaker.State before = this.breaker.getState();
			if (before == CircuitBreaker.State.CLOSED) {
				return;
			}
			try {
				call((commands) -> commands.ping());
			}
			catch (RuntimeException ex) {
				// Still down: the breaker counted it.
				return;
			}
			if (before != CircuitBreaker.State.HALF_OPEN) {
				return;
			}
		}
	}

	@Override
	public void close() {
		this.prober.shutdownNow();
		this.timeouts.close();
	}

	/**
	 * Sends one command.
	 *
	 * @param <T> the type of the reply
	 */
	@FunctionalInterface
	public interface RedisCall<T> {

		/**
		 * Sends the command.
		 * @param commands the asynchronous commands of the connection
		 * @return the future reply; several pipelined commands may be combined into one
		 */
		CompletionStage<T> send(RedisClusterAsyncCommands<byte[], byte[]> commands);

	}

	/**
	 * Handles one page of the keys {@link #scanPrefix} finds.
	 */
	@FunctionalInterface
	public interface KeyPage {

		/**
		 * Handles the keys of a page.
		 * @param keys the keys, at least one; a key may be in more than one page
		 * @return what the page counted, for example the keys it removed
		 * @throws RedisUnavailableException when Redis fails
		 */
		long handle(List<byte[]> keys);

	}

	/**
	 * How the circuit breaker decides to open.
	 *
	 * @param failureRateThreshold percentage of failed calls in the window that opens it
	 * @param slowCallRateThreshold percentage of slow calls in the window that opens it
	 * @param slowCallDurationThreshold how long a call may take before it counts as slow
	 * @param slidingWindowSize number of recent calls the rates are computed over
	 * @param minimumNumberOfCalls number of calls needed before the rates count
	 * @param waitInOpenState how long it stays open before probing Redis again
	 * @param permittedCallsInHalfOpenState number of probe calls that decide whether to
	 * close it
	 */
	public record BreakerSettings(float failureRateThreshold, float slowCallRateThreshold,
			Duration slowCallDurationThreshold, int slidingWindowSize, int minimumNumberOfCalls,
			Duration waitInOpenState, int permittedCallsInHalfOpenState) {

		/** Default percentage of failed calls that opens the breaker. */
		public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;

		/** Default percentage of slow calls that opens the breaker. */
		public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 80;

		/** Default time after which a call counts as slow. */
		public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofMillis(50);

		/** Default number of recent calls the rates are computed over. */
		public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;

		/** Default number of calls needed before the rates count. */
		public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 5;

		/** Default time the breaker stays open before probing Redis again. */
		public static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofSeconds(1);

		/** Default number of probe calls that decide whether the breaker closes. */
		public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 3;

		/** Every setting at its default. */
		public static final BreakerSettings DEFAULTS = builder().build();

		/**
		 * Validates the settings; prefer {@link #builder()}, which names each one.
		 * @throws InvalidSettingException when a setting is out of range
		 */
		public BreakerSettings {
			Objects.requireNonNull(slowCallDurationThreshold, "slowCallDurationThreshold must not be null");
			Objects.requireNonNull(waitInOpenState, "waitInOpenState must not be null");
			checkPercentage("failureRateThreshold", failureRateThreshold);
			checkPercentage("slowCallRateThreshold", slowCallRateThreshold);
			checkAtLeastOneMillisecond("slowCallDurationThreshold", slowCallDurationThreshold);
			checkAtLeastOne("slidingWindowSize", slidingWindowSize);
			checkAtLeastOne("minimumNumberOfCalls", minimumNumberOfCalls);
			checkAtLeastOneMillisecond("waitInOpenState", waitInOpenState);
			checkAtLeastOne("permittedCallsInHalfOpenState", permittedCallsInHalfOpenState);
		}

		/**
		 * Starts breaker settings with every setting at its default.
		 * @return the builder
		 */
		public static Builder builder() {
			return new Builder();
		}

		private static void checkPercentage(String setting, float value) {
			if (value <= 0 || value > 100) {
				throw new InvalidSettingException(setting, value,
						"must be a percentage above 0 and at most 100 but was " + value);
			}
		}

		private static void checkAtLeastOneMillisecond(String setting, Duration value) {
			if (value.toMillis() <= 0) {
				throw new InvalidSettingException(setting, value, "must be at least 1ms but was " + value);
			}
		}

		private static void checkAtLeastOne(String setting, int value) {
			if (value < 1) {
				throw new InvalidSettingException(setting, value, "must be at least 1 but was " + value);
			}
		}

		/**
		 * Builds {@link BreakerSettings}; a setting that is not set keeps its
		 * {@code DEFAULT_} value. {@link #build()} validates them all.
		 */
		public static final class Builder {

			private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;

			private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;

			private Duration slowCallDurationThreshold = DEFAULT_SLOW_CALL_DURATION_THRESHOLD;

			private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;

			private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;

			private Duration waitInOpenState = DEFAULT_WAIT_IN_OPEN_STATE;

			private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;

			private Builder() {
			}

			/**
			 * Sets the percentage of failed calls in the window that opens the breaker.
			 * @param failureRateThreshold above 0 and at most 100
			 * @return this builder
			 */
			public Builder failureRateThreshold(float failureRateThreshold) {
				this.failureRateThreshold = failureRateThreshold;
				return this;
			}

			/**
			 * Sets the percentage of slow calls in the window that opens the breaker.
			 * @param slowCallRateThreshold above 0 and at most 100
			 * @return this builder
			 */
			public Builder slowCallRateThreshold(float slowCallRateThreshold) {
				this.slowCallRateThreshold = slowCallRateThreshold;
				return this;
			}

			/**
			 * Sets how long a call may take before it counts as slow.
			 * @param slowCallDurationThreshold at least 1ms
			 * @return this builder
			 */
			public Builder slowCallDurationThreshold(Duration slowCallDurationThreshold) {
				this.slowCallDurationThreshold = slowCallDurationThreshold;
				return this;
			}

			/**
			 * Sets the number of recent calls the rates are computed over.
			 * @param slidingWindowSize at least 1
			 * @return this builder
			 */
			public Builder slidingWindowSize(int slidingWindowSize) {
				this.slidingWindowSize = slidingWindowSize;
				return this;
			}

			/**
			 * Sets the number of calls needed before the rates count.
			 * @param minimumNumberOfCalls at least 1
			 * @return this builder
			 */
			public Builder minimumNumberOfCalls(int minimumNumberOfCalls) {
				this.minimumNumberOfCalls = minimumNumberOfCalls;
				return this;
			}

			/**
			 * Sets how long the breaker stays open before probing Redis again.
			 * @param waitInOpenState at least 1ms
			 * @return this builder
			 */
			public Builder waitInOpenState(Duration waitInOpenState) {
				this.waitInOpenState = waitInOpenState;
				return this;
			}

			/**
			 * Sets the number of probe calls that decide whether the breaker closes.
			 * @param permittedCallsInHalfOpenState at least 1
			 * @return this builder
			 */
			public Builder permittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
				this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
				return this;
			}

			/**
			 * Validates and returns the settings.
			 * @return the settings
			 * @throws InvalidSettingException when a setting is out of range
			 */
			public BreakerSettings build() {
				return new BreakerSettings(this.failureRateThreshold, this.slowCallRateThreshold,
						this.slowCallDurationThreshold, this.slidingWindowSize, this.minimumNumberOfCalls,
						this.waitInOpenState, this.permittedCallsInHalfOpenState);
			}

		}

	}

}
