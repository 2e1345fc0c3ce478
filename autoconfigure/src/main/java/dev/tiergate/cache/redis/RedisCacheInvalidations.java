package dev.tiergate.cache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.DoubleSupplier;

import dev.tiergate.cache.CacheInvalidations;
import dev.tiergate.cache.redis.RedisCacheInvalidations.Subscription.State;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link CacheInvalidations} over Redis publish/subscribe, on the channel
 * {@code <namespace>:invalidations}. A message names the cache, the Redis key (or none,
 * for all entries) and the sending instance, which ignores its own messages.
 * <p>
 * Whether this instance receives the others' messages is {@linkplain #subscription()
 * known}: it is subscribed only once Redis confirmed the {@code SUBSCRIBE}, also the one
 * Lettuce sends by itself after a reconnect, and, with a self-check, while a message it
 * sends itself every {@link Settings#selfCheckInterval()} comes back. A failed attempt
 * (an ACL without the channel answers {@code NOPERM}) closes the connection it opened and
 * is retried with jittered exponential backoff, and at once when the circuit breaker
 * closes. A lost connection, a re-subscription Redis does not confirm, or a self-check
 * message that does not come back are handled as a failed attempt.
 * <p>
 * Pub/sub drops messages while a subscriber is not subscribed: whenever the subscription
 * comes back after such a time, the {@linkplain #onResubscribed(Runnable) resubscription
 * actions} run (tiergate clears L1), as the breaker's recovery does when Redis itself was
 * away.
 */
public final class RedisCacheInvalidations implements CacheInvalidations, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisCacheInvalidations.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final String CONNECTION_LOST = "The pub/sub connection to Redis was lost";

	private final GuardedRedis redis;

	private final String channelName;

	private final byte[] channel;

	private final String sender = UUID.randomUUID().toString();

	private final Settings settings;

	private final Clock clock;

	private final Scheduler scheduler;

	private final DoubleSupplier jitter;

	private final List<Runnable> resubscribedListeners = new CopyOnWriteArrayList<>();

	/** Only the latest scheduled attempt runs: a sooner one (breaker closed) supersedes a later one. */
	private final AtomicLong attemptGeneration = new AtomicLong();

	private final AtomicLong pings = new AtomicLong();

	private volatile @Nullable BiConsumer<String, @Nullable String> listener;

	private volatile @Nullable StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile Subscription subscription;

	/** Counts confirmed subscriptions, so a self-check message sent before a resubscription is not awaited. */
	private volatile long subscriptionEpoch;

	private volatile @Nullable String pingReceived;

	private volatile boolean closed;

	// Guarded by this.
	private int failedAttempts;

	/** Whether invalidations may have been missed since the subscription was last confirmed. */
	private boolean missedInvalidations;

	// Used on the scheduler's thread only.
	private @Nullable PendingPing pingSent;

	/**
	 * Creates invalidations for a namespace with the {@link Settings#DEFAULTS default
	 * settings}.
	 * @param redis the guarded connection, for publishing
	 * @param namespace the namespace of the application's keys
	 */
	public RedisCacheInvalidations(GuardedRedis redis, String namespace) {
		this(redis, namespace, Settings.DEFAULTS);
	}

	/**
	 * Creates invalidations for a namespace.
	 * @param redis the guarded connection, for publishing
	 * @param namespace the namespace of the application's keys
	 * @param settings how the subscription is retried and checked
	 */
	public RedisCacheInvalidations(GuardedRedis redis, String namespace, Settings settings) {
		this(redis, namespace, settings, Clock.systemUTC(), Scheduler.singleThread(),
				() -> ThreadLocalRandom.current().nextDouble());
	}

	RedisCacheInvalidations(GuardedRedis redis, String namespace, Settings settings, Clock clock, Scheduler scheduler,
			DoubleSupplier jitter) {
		this.redis = redis;
		this.channelName = namespace + ":invalidations";
		this.channel = this.channelName.getBytes(StandardCharsets.UTF_8);
		this.settings = settings;
		this.clock = clock;
		this.scheduler = scheduler;
		this.jitter = jitter;
		this.subscription = new Subscription(State.SUBSCRIBING, clock.instant(), null);
		// Redis is back: so may be the subscription, without waiting out the backoff.
		redis.state().onRecovery(this::retrySoon);
	}

	@Override
	public boolean publish(String cacheName, @Nullable String redisKey) {
		byte[] message = mapper.writeValueAsBytes(new Message(this.sender, cacheName, redisKey, null));
		try {
			this.redis.call((commands) -> commands.publish(this.channel, message));
			return true;
		}
		catch (RedisUnavailableException ex) {
			// The cache keeps the invalidation and publishes it again once Redis answers.
			return false;
		}
	}

	/**
	 * Returns the message {@link #publish} sends, for a caller that publishes it itself
	 * in one step with a write (a script that writes and publishes), so that the other
	 * instances hear of the write exactly when it is made.
	 * @param cacheName the cache, or what the listeners take as its name
	 * @param redisKey the Redis key, {@code null} for all entries
	 * @return the message, as sent on {@link #channel()}
	 */
	public byte[] message(String cacheName, @Nullable String redisKey) {
		return mapper.writeValueAsBytes(new Message(this.sender, cacheName, redisKey, null));
	}

	/**
	 * Starts listening to the other instances, subscribing in the background and retrying
	 * until it succeeds.
	 * @param listener receives the cache name and the Redis key ({@code null} for all
	 * entries) of each invalidation another instance sent
	 * @throws IllegalStateException when already called
	 */
	public void subscribe(BiConsumer<String, @Nullable String> listener) {
		if (this.listener != null) {
			throw new IllegalStateException("Already subscribed to " + this.channelName);
		}
		this.listener = listener;
		scheduleAttempt(Duration.ZERO);
		if (!this.settings.selfCheckInterval().isZero()) {
			this.scheduler.schedule(this::selfCheck, this.settings.selfCheckInterval());
		}
	}

	/**
	 * Registers an action to run when the subscription is back after a time during which
	 * invalidations may have been missed (a failed attempt, a lost connection, a failed
	 * self-check): for example clearing L1. It runs after Redis confirmed the subscription,
	 * on the subscriber's thread.
	 * @param action the action
	 */
	public void onResubscribed(Runnable action) {
		this.resubscribedListeners.add(action);
	}

	/**
	 * Returns whether invalidations reach this instance, since when, and why not.
	 * @return the state of the subscription
	 */
	public Subscription subscription() {
		return this.subscription;
	}

	/**
	 * Returns whether the subscription is confirmed.
	 * @return whether subscribed
	 * @see #subscription()
	 */
	public boolean isSubscribed() {
		return this.subscription.isSubscribed();
	}

	/**
	 * Returns the channel the invalidations are published on.
	 * @return the channel name
	 */
	public String channel() {
		return this.channelName;
	}

	private void retrySoon() {
		if (this.closed || this.listener == null || this.subscription.isSubscribed()) {
			return;
		}
		synchronized (this) {
			this.failedAttempts = 0;
		}
		scheduleAttempt(Duration.ZERO);
	}

	private void scheduleAttempt(Duration delay) {
		long generation = this.attemptGeneration.incrementAndGet();
		this.scheduler.schedule(() -> {
			if (this.attemptGeneration.get() == generation) {
				ensureSubscribed();
			}
		}, delay);
	}

	private void ensureSubscribed() {
		if (this.closed || this.subscription.isSubscribed()) {
			return;
		}
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		if (current != null && current.isOpen()) {
			// Lettuce reconnected and sent SUBSCRIBE again, but Redis did not confirm it: asking
			// again on the same connection tells why (NOPERM), or confirms it if it was only slow.
			subscribeOn(current);
			return;
		}
		// Still reconnecting: a new connection also finds a Cluster's new topology.
		discard(current);
		StatefulRedisPubSubConnection<byte[], byte[]> opened;
		try {
			opened = this.redis.connector().connectPubSub();
		}
		catch (RuntimeException ex) {
			failed(null, describe(ex));
			return;
		}
		opened.addListener(new SubscriptionListener(opened));
		opened.addListener(new ConnectionListener(opened));
		this.connection = opened;
		subscribeOn(opened);
	}

	private void subscribeOn(StatefulRedisPubSubConnection<byte[], byte[]> pubSub) {
		try {
			pubSub.sync().subscribe(this.channel);
			subscribed(pubSub);
		}
		catch (RuntimeException ex) {
			failed(pubSub, describe(ex));
		}
	}

	private void failed(@Nullable StatefulRedisPubSubConnection<byte[], byte[]> pubSub, String reason) {
		if (this.closed) {
			return;
		}
		discard(pubSub);
		Duration delay;
		synchronized (this) {
			notSubscribed(reason);
			delay = backoff(this.failedAttempts++);
		}
		scheduleAttempt(delay);
	}

	/** The delay before the next attempt: doubling from the initial delay up to the cap, at least half of it. */
	Duration backoff(int failedAttempts) {
		long initial = this.settings.initialRetryDelay().toNanos();
		long max = this.settings.maxRetryDelay().toNanos();
		long base = initial;
		for (int doubled = 0; doubled < failedAttempts && base < max; doubled++) {
			base = (base > max / 2) ? max : base * 2;
		}
		// Jittered so that instances that lost Redis together do not come back in step.
		return Duration.ofNanos(base / 2 + (long) (this.jitter.getAsDouble() * (base / 2)));
	}

	private void discard(@Nullable StatefulRedisPubSubConnection<byte[], byte[]> pubSub) {
		if (pubSub == null) {
			return;
		}
		if (this.connection == pubSub) {
			this.connection = null;
		}
		try {
			pubSub.close();
		}
		catch (RuntimeException ex) {
			logger.debug("Closing a pub/sub connection failed", ex);
		}
	}

	private void subscribed(StatefulRedisPubSubConnection<byte[], byte[]> pubSub) {
		boolean missed;
		State previous;
		synchronized (this) {
			if (this.closed || this.connection != pubSub || this.subscription.isSubscribed()) {
				return;
			}
			previous = this.subscription.state();
			this.subscription = new Subscription(State.SUBSCRIBED, this.clock.instant(), null);
			this.subscriptionEpoch++;
			this.failedAttempts = 0;
			missed = this.missedInvalidations;
			this.missedInvalidations = false;
		}
		if (previous == State.NOT_SUBSCRIBED) {
			logger.info("Subscribed to cache invalidations on " + this.channelName + " again"
					+ (missed ? "; L1 is cleared of entries that may have missed invalidations" : ""));
		}
		if (missed) {
			this.scheduler.schedule(this::runResubscribedListeners, Duration.ZERO);
		}
	}

	private void runResubscribedListeners() {
		for (Runnable action : this.resubscribedListeners) {
			try {
				action.run();
			}
			catch (RuntimeException ex) {
				logger.warn("An action after resubscribing to cache invalidations failed", ex);
			}
		}
	}

	private void notSubscribed(String reason) {
		Subscription current;
		synchronized (this) {
			this.missedInvalidations = true;
			current = this.subscription;
			if (current.state() == State.NOT_SUBSCRIBED && reason.equals(current.reason())) {
				return;
			}
			this.subscription = new Subscription(State.NOT_SUBSCRIBED,
					(current.state() == State.NOT_SUBSCRIBED) ? current.since() : this.clock.instant(), reason);
		}
		if (current.state() != State.NOT_SUBSCRIBED) {
			logger.warn("Not subscribed to cache invalidations on " + this.channelName + " (" + reason
					+ "): this instance does not hear of other instances' evictions and writes; retrying with backoff"
					+ (reason.contains("NOPERM") ? ". Grant the channel to tiergate's Redis user: ACL SETUSER <user> &"
							+ this.channelName : ""));
		}
		else {
			logger.debug("Still not subscribed to cache invalidations on " + this.channelName + ": " + reason);
		}
	}

	private void connectionLost(StatefulRedisPubSubConnection<byte[], byte[]> pubSub, boolean closedOnPurpose) {
		if (this.closed || this.connection != pubSub || closedOnPurpose) {
			return;
		}
		Duration delay;
		synchronized (this) {
			notSubscribed(CONNECTION_LOST);
			delay = backoff(this.failedAttempts++);
		}
		// Lettuce reconnects and re-sends SUBSCRIBE; the attempt checks that Redis confirmed it.
		scheduleAttempt(delay);
	}

	private void selfCheck() {
		if (this.closed) {
			return;
		}
		try {
			PendingPing sent = this.pingSent;
			this.pingSent = null;
			if (!this.subscription.isSubscribed()) {
				return;
			}
			if (sent != null && sent.epoch() == this.subscriptionEpoch && !sent.nonce().equals(this.pingReceived)) {
				failed(this.connection, "A message of its own, which Redis accepted, did not come back within "
						+ this.settings.selfCheckInterval() + ": the subscription delivers nothing");
				return;
			}
			if (!this.redis.isAvailable()) {
				return;
			}
			String nonce = Long.toString(this.pings.incrementAndGet());
			long epoch = this.subscriptionEpoch;
			byte[] message = mapper.writeValueAsBytes(new Message(this.sender, null, null, nonce));
			try {
				this.redis.call((commands) -> commands.publish(this.channel, message));
				this.pingSent = new PendingPing(nonce, epoch);
			}
			catch (RedisUnavailableException ex) {
				// Redis itself is unavailable: the breaker and the health say so, and nothing is judged.
			}
		}
		finally {
			if (!this.closed) {
				this.scheduler.schedule(this::selfCheck, this.settings.selfCheckInterval());
			}
		}
	}

	private void receive(byte[] bytes) {
		Message message;
		try {
			message = mapper.readValue(bytes, Message.class);
		}
		catch (JacksonException ex) {
			logger.debug("Ignoring an invalidation message that is not tiergate's: "
					+ Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 32))));
			return;
		}
		boolean own = this.sender.equals(message.sender());
		if (message.ping() != null) {
			if (own) {
				this.pingReceived = message.ping();
			}
			return;
		}
		BiConsumer<String, @Nullable String> target = this.listener;
		if (message.cache() != null && !own && target != null) {
			target.accept(message.cache(), message.key());
		}
	}

	private static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	@Override
	public void close() {
		this.closed = true;
		this.scheduler.shutdown();
		discard(this.connection);
	}

	/**
	 * One message on the channel: an invalidation (the key is {@code null} for all entries
	 * of the cache), or a self-check {@code ping} that only its sender reads.
	 */
	record Message(String sender, @Nullable String cache, @Nullable String key, @Nullable String ping) {
	}

	private record PendingPing(String nonce, long epoch) {
	}

	/**
	 * How the subscription is retried and checked.
	 *
	 * @param initialRetryDelay the delay after the first failed attempt, doubled after each
	 * further one (and jittered down to half)
	 * @param maxRetryDelay the longest delay between attempts
	 * @param selfCheckInterval how often this instance sends itself a message on the channel
	 * and expects it back by the next time; {@link Duration#ZERO} for never
	 */
	public record Settings(Duration initialRetryDelay, Duration maxRetryDelay, Duration selfCheckInterval) {

		/** 100ms doubling up to 30s, and a self-check every 10s. */
		public static final Settings DEFAULTS = new Settings(Duration.ofMillis(100), Duration.ofSeconds(30),
				Duration.ofSeconds(10));

		/**
		 * Checks the settings.
		 * @throws IllegalArgumentException when a delay is not positive, the cap is below the
		 * initial delay, or the interval is negative
		 */
		public Settings {
			if (initialRetryDelay.isNegative() || initialRetryDelay.isZero()) {
				throw new IllegalArgumentException("initialRetryDelay must be positive but was " + initialRetryDelay);
			}
			if (maxRetryDelay.compareTo(initialRetryDelay) < 0) {
				throw new IllegalArgumentException("maxRetryDelay must be at least initialRetryDelay ("
						+ initialRetryDelay + ") but was " + maxRetryDelay);
			}
			if (selfCheckInterval.isNegative()) {
				throw new IllegalArgumentException("selfCheckInterval must not be negative but was " + selfCheckInterval);
			}
		}

	}

	/** Runs the subscription's tasks, one at a time, so that attempts never overlap. */
	interface Scheduler {

		/**
		 * Runs a task after a delay; does nothing once shut down.
		 * @param task the task
		 * @param delay the delay, {@link Duration#ZERO} for at once
		 */
		void schedule(Runnable task, Duration delay);

		/** Stops running tasks. */
		void shutdown();

		static Scheduler singleThread() {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "tiergate-invalidations");
				thread.setDaemon(true);
				return thread;
			});
			return new Scheduler() {

				@Override
				public void schedule(Runnable task, Duration delay) {
					try {
						executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
					}
					catch (RejectedExecutionException ex) {
						// Shut down.
					}
				}

				@Override
				public void shutdown() {
					executor.shutdownNow();
				}

			};
		}

	}

	private final class SubscriptionListener extends RedisPubSubAdapter<byte[], byte[]> {

		private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;

		SubscriptionListener(StatefulRedisPubSubConnection<byte[], byte[]> pubSub) {
			this.pubSub = pubSub;
		}

		@Override
		public void message(byte[] channel, byte[] message) {
			receive(message);
		}

		@Override
		public void subscribed(byte[] channel, long count) {
			// Also Redis's confirmation of the SUBSCRIBE that Lettuce re-sends after a reconnect.
			if (Arrays.equals(channel, RedisCacheInvalidations.this.channel)) {
				RedisCacheInvalidations.this.subscribed(this.pubSub);
			}
		}

	}

	private final class ConnectionListener implements RedisConnectionStateListener {

		private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;

		ConnectionListener(StatefulRedisPubSubConnection<byte[], byte[]> pubSub) {
			this.pubSub = pubSub;
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			connectionLost(this.pubSub, connection.isClosed());
		}

	}

	/**
	 * Whether an instance receives the other instances' cache invalidations, since when, and
	 * why not.
	 *
	 * @param state the state of the subscription
	 * @param since when it entered that state
	 * @param reason why it is not subscribed (for example the {@code NOPERM} of an ACL without
	 * the channel), or {@code null} when it is subscribed or still subscribing
	 */
	public record Subscription(State state, Instant since, @Nullable String reason) {

		/**
		 * Returns whether invalidations reach this instance.
		 * @return whether subscribed
		 */
		public boolean isSubscribed() {
			return this.state == State.SUBSCRIBED;
		}

		/** The states of the subscription. */
		public enum State {

			/** The first attempt has not finished yet. */
			SUBSCRIBING,

			/** Redis confirmed the subscription, and the self-check, if any, gets its messages back. */
			SUBSCRIBED,

			/** Invalidations do not reach this instance; attempts go on with backoff. */
			NOT_SUBSCRIBED

		}

	}

}
