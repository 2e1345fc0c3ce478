package dev.tiergate.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * tiergate's own connection to Redis, opened from a Lettuce client (standalone, Sentinel
 * or Cluster alike) so that the application's connections are left as they are.
 * <p>
 * Connecting happens on a background thread: a caller waits for it at most the command
 * timeout, and while Redis cannot be reached {@link #commands()} fails at once instead of
 * every caller trying to connect. A failed attempt is retried after
 * {@code retryInterval}. Once connected, Lettuce reconnects by itself.
 */
public final class RedisConnector implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisConnector.class);

	private final AbstractRedisClient client;

	private final Duration timeout;

	private final long retryIntervalNanos;

	private final ExecutorService connectThread = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "tiergate-redis-connect");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable StatefulConnection<byte[], byte[]> connection;

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

	private volatile @Nullable CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> attempt;

	private volatile long lastFailureNanos;

	private volatile boolean closed;

	/**
	 * Creates a connector and starts connecting.
	 * @param client the Lettuce client whose endpoints and options to use
	 * @param timeout how long one command, or a caller waiting for a connection, may take
	 * @param retryInterval how long to wait after a failed connection attempt before the
	 * next
	 */
	public RedisConnector(AbstractRedisClient client, Duration timeout, Duration retryInterval) {
		this.client = client;
		this.timeout = timeout;
		this.retryIntervalNanos = retryInterval.toNanos();
		startAttempt();
	}

	/**
	 * Registers an action to run when any connection of tiergate to Redis is lost (not
	 * when tiergate closes it), for example to stop using Redis at once. The client
	 * must be tiergate's own: the listener is registered on it.
	 * @param listener receives the cause
	 */
	public void onConnectionLost(Consumer<Throwable> listener) {
		this.client.addListener(new RedisConnectionStateListener() {

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
				// A connection closed on purpose (shutdown, unsubscribe) is not an outage.
				if (!RedisConnector.this.closed && !connection.isClosed()) {
					listener.accept(new RedisUnavailableException("The connection to Redis was lost", null));
				}
			}

		});
	}

	/**
	 * Opens a publish/subscribe connection, which Lettuce resubscribes after a reconnect.
	 * @return the connection
	 */
	public StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
		StatefulRedisPubSubConnection<byte[], byte[]> pubSub = (this.client instanceof RedisClusterClient cluster)
				? cluster.connectPubSub(ByteArrayCodec.INSTANCE)
				: ((RedisClient) this.client).connectPubSub(ByteArrayCodec.INSTANCE);
		pubSub.setTimeout(this.timeout);
		return pubSub;
	}

	/**
	 * Runs a task on the connector's background thread.
	 * @param task the task
	 */
	public void runInBackground(Runnable task) {
		if (!this.closed) {
			this.connectThread.execute(task);
		}
	}

	/**
	 * Returns the command timeout.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Returns the asynchronous commands of the connection, waiting at most the command
	 * timeout for a connection attempt under way.
	 * @return the commands
	 * @throws RedisUnavailableException when there is no connection
	 */
	public RedisClusterAsyncCommands<byte[], byte[]> commands() {
		RedisClusterAsyncCommands<byte[], byte[]> connected = this.commands;
		return (connected != null) ? connected : connectWithin(this.timeout);
	}

	/**
	 * Waits for the connection, for example once at startup so that the first calls find
	 * it open.
	 * @param wait how long to wait at most
	 * @return {@code null} when a connection is open, otherwise why not
	 */
	public @Nullable RedisUnavailableException awaitConnection(Duration wait) {
		try {
			connectWithin(wait);
			return null;
		}
		catch (RedisUnavailableException ex) {
			return ex;
		}
	}

	private RedisClusterAsyncCommands<byte[], byte[]> connectWithin(Duration wait) {
		if (this.closed) {
			throw new RedisUnavailableException("The connection to Redis is closed", null);
		}
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> current = this.attempt;
		if (current == null || (current.isCompletedExceptionally()
				&& System.nanoTime() - this.lastFailureNanos >= this.retryIntervalNanos)) {
			current = startAttempt();
		}
		try {
			return current.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new RedisUnavailableException("Still connecting to Redis after " + wait, null);
		}
		catch (Exception ex) {
			throw new RedisUnavailableException("Redis cannot be reached", ex.getCause());
		}
	}

	private synchronized CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> startAttempt() {
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> current = this.attempt;
		if (current != null && (!current.isDone() || !current.isCompletedExceptionally())) {
			return current;
		}
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> next = CompletableFuture.supplyAsync(this::connect,
				this.connectThread);
		next.whenComplete((commands, ex) -> {
			if (ex != null) {
				this.lastFailureNanos = System.nanoTime();
				logger.debug("Connecting to Redis failed", ex);
			}
		});
		this.attempt = next;
		return next;
	}

	private RedisClusterAsyncCommands<byte[], byte[]> connect() {
		StatefulConnection<byte[], byte[]> connected;
		RedisClusterAsyncCommands<byte[], byte[]> async;
		if (this.client instanceof RedisClusterClient clusterClient) {
			var clusterConnection = clusterClient.connect(ByteArrayCodec.INSTANCE);
			connected = clusterConnection;
			async = clusterConnection.async();
		}
		else if (this.client instanceof RedisClient redisClient) {
			var standaloneConnection = redisClient.connect(ByteArrayCodec.INSTANCE);
			connected = standaloneConnection;
			async = standaloneConnection.async();
		}
		else {
			throw new IllegalStateException("Unsupported Lettuce client " + this.client.getClass().getName());
		}
		connected.setTimeout(this.timeout);
		synchronized (this) {
			if (this.closed) {
				connected.closeAsync();
				throw new IllegalStateException("Closed while connecting");
			}
			this.connection = connected;
			this.commands = async;
		}
		return async;
	}

	@Override
	public void close() {
		StatefulConnection<byte[], byte[]> open;
		synchronized (this) {
			this.closed = true;
			open = this.connection;
			this.connection = null;
			this.commands = null;
		}
		// Spring Data Redis may have shut the client down already (its lifecycle stops first).
		if (open != null && open.isOpen()) {
			open.close();
		}
		this.connectThread.shutdownNow();
	}

}
