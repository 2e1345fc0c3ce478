package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
import io.lettuce.core.Range;
import io.lettuce.core.Range.Boundary;
import io.lettuce.core.RedisFuture;
import org.jspecify.annotations.Nullable;

/**
 * Tells the instances of an application apart in Redis, so that each knows how many are
 * alive: a sorted set {@code <namespace>:rl:instances} with one member per instance (a
 * random id), scored with the time it last beat. Each beat, through {@link GuardedRedis}
 * like every check, adds this instance, drops the members that have not beaten within the
 * instance timeout and counts the rest; while Redis cannot be reached no beat is sent,
 * and the count of the last beat stands. That is the count a Redis outage divides the
 * limits by. The key expires two instance timeouts after the last beat of any instance.
 * <p>
 * The scores are each instance's wall clock, so the instances' clocks must agree to well
 * within the timeout (as NTP keeps them).
 */
public final class InstanceHeartbeat implements LiveInstances, AutoCloseable {

	private final GuardedRedis redis;

	private final byte[] key;

	private final byte[] member;

	private final long timeoutMillis;

	private final Clock clock;

	private volatile int count = 1;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates a heartbeat that has not beaten yet: until it does, it counts one instance.
	 * @param redis the guarded connection
	 * @param namespace the namespace that starts the key
	 * @param instanceTimeout how long after its last beat an instance still counts as alive
	 * @param clock the wall clock the beats are scored with
	 */
	public InstanceHeartbeat(GuardedRedis redis, String namespace, Duration instanceTimeout, Clock clock) {
		if (instanceTimeout.toMillis() < 1) {
			throw new IllegalArgumentException("instanceTimeout must be at least 1ms but was " + instanceTimeout);
		}
		this.redis = redis;
		this.key = key(namespace).getBytes(StandardCharsets.UTF_8);
		this.member = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
		this.timeoutMillis = instanceTimeout.toMillis();
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Returns the key of the instances of a namespace.
	 * @param namespace the namespace
	 * @return the key
	 */
	public static String key(String namespace) {
		return namespace + ":rl:instances";
	}

	/**
	 * Beats now and then every interval, on a thread of its own, until {@link #close()}.
	 * @param interval the time between beats, shorter than the instance timeout
	 * @return this heartbeat
	 */
	public synchronized InstanceHeartbeat start(Duration interval) {
		if (interval.toMillis() < 1 || interval.toMillis() >= this.timeoutMillis) {
			throw new IllegalArgumentException("interval must be at least 1ms and shorter than the instance timeout ("
					+ this.timeoutMillis + "ms) but was " + interval);
		}
		if (this.scheduler == null) {
			ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "tiergate-instance-heartbeat");
				thread.setDaemon(true);
				return thread;
			});
			scheduler.scheduleWithFixedDelay(this::beatQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
			this.scheduler = scheduler;
		}
		return this;
	}

	/**
	 * Announces this instance and counts the live ones, in one pipelined round trip.
	 * @return the instances alive, this one included
	 * @throws RedisUnavailableException when Redis cannot be reached; the count stays
	 */
	public int beat() {
		long now = this.clock.millis();
		Long alive = this.redis.call((commands) -> {
			RedisFuture<Long> added = commands.zadd(this.key, now, this.member);
			RedisFuture<Long> dropped = commands.zremrangebyscore(this.key,
					Range.from(Boundary.unbounded(), Boundary.excluding(now - this.timeoutMillis)));
			RedisFuture<Long> counted = commands.zcard(this.key);
			RedisFuture<Boolean> expiring = commands.pexpire(this.key, 2 * this.timeoutMillis);
			return CompletableFuture
				.allOf(added.toCompletableFuture(), dropped.toCompletableFuture(), counted.toCompletableFuture(),
						expiring.toCompletableFuture())
				.thenCompose((done) -> counted);
		});
		this.count = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (alive != null) ? alive : 1));
		return this.count;
	}

	private void beatQuietly() {
		try {
			beat();
		}
		catch (RuntimeException ex) {
			// Redis is away (GuardedRedis logs and counts that): the last count stands until it is back.
		}
	}

	@Override
	public int count() {
		return this.count;
	}

	/**
	 * Stops beating and removes this instance, so that the others count it out at their
	 * next beat rather than after the timeout; when Redis cannot be reached, the timeout
	 * does it.
	 */
	@Override
	public synchronized void close() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
		try {
			this.redis.call((commands) -> commands.zrem(this.key, this.member));
		}
		catch (RedisUnavailableException ex) {
			// Counted out by the others once its last beat is older than the timeout.
		}
	}

}
