package dev.tiergate.cache.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import dev.tiergate.cache.CacheInvalidations;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
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
 * Pub/sub drops messages while a subscriber is disconnected; tiergate makes up for it by
 * clearing L1 whenever its connection to Redis comes back (the circuit breaker opens on
 * any lost connection, and closing it clears L1).
 */
public final class RedisCacheInvalidations implements CacheInvalidations, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisCacheInvalidations.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final GuardedRedis redis;

	private final byte[] channel;

	private final String sender = UUID.randomUUID().toString();

	private final ScheduledExecutorService subscriber = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "tiergate-invalidations");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable StatefulRedisPubSubConnection<byte[], byte[]> connection;

	/**
	 * Creates invalidations for a namespace.
	 * @param redis the guarded connection, for publishing
	 * @param namespace the namespace of the application's keys
	 */
	public RedisCacheInvalidations(GuardedRedis redis, String namespace) {
		this.redis = redis;
		this.channel = (namespace + ":invalidations").getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public boolean publish(String cacheName, @Nullable String redisKey) {
		byte[] message = mapper.writeValueAsBytes(new Message(this.sender, cacheName, redisKey));
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
	 * Starts listening to the other instances, connecting in the background and retrying
	 * until Redis can be reached.
	 * @param listener receives the cache name and the Redis key ({@code null} for all
	 * entries) of each invalidation another instance sent
	 */
	public void subscribe(BiConsumer<String, @Nullable String> listener) {
		this.subscriber.execute(() -> connect(listener));
	}

	/**
	 * Returns whether the subscription is open.
	 * @return whether subscribed
	 */
	public boolean isSubscribed() {
		StatefulRedisPubSubConnection<byte[], byte[]> open = this.connection;
		return open != null && open.isOpen();
	}

	private void connect(BiConsumer<String, @Nullable String> listener) {
		try {
			StatefulRedisPubSubConnection<byte[], byte[]> pubSub = this.redis.connector().connectPubSub();
			pubSub.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(byte[] channel, byte[] message) {
					receive(message, listener);
				}

			});
			pubSub.sync().subscribe(this.channel);
			this.connection = pubSub;
		}
		catch (RuntimeException ex) {
			logger.debug("Subscribing to cache invalidations failed; retrying", ex);
			if (!this.subscriber.isShutdown()) {
				this.subscriber.schedule(() -> connect(listener), 1, TimeUnit.SECONDS);
			}
		}
	}

	private void receive(byte[] bytes, BiConsumer<String, @Nullable String> listener) {
		Message message;
		try {
			message = mapper.readValue(bytes, Message.class);
		}
		catch (JacksonException ex) {
			logger.debug("Ignoring an invalidation message that is not tiergate's: "
					+ Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 32))));
			return;
		}
		if (message.cache() != null && !this.sender.equals(message.sender())) {
			listener.accept(message.cache(), message.key());
		}
	}

	@Override
	public void close() {
		this.subscriber.shutdownNow();
		StatefulRedisPubSubConnection<byte[], byte[]> open = this.connection;
		if (open != null && open.isOpen()) {
			open.close();
		}
	}

	/** One invalidation: the key is {@code null} for all entries of the cache. */
	record Message(String sender, String cache, @Nullable String key) {
	}

}
