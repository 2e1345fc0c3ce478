package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.ratelimit.ConcurrencyLeases;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
import io.github.bucket4j.TimeMeter;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * Leases of calls in flight in Redis, shared by every instance: per client one sorted set
 * {@code {<prefix>:rc:<tier>:<hash>}} of call ids scored by when their lease expires.
 * Taking a lease is one {@code EVALSHA} of {@code concurrency-lease.lua} (drop expired
 * leases, count, add), releasing it one {@code ZREM}; both touch one key, so they work on
 * a Redis Cluster. A lease whose instance died is dropped once its TTL has passed.
 */
public final class RedisConcurrencyLeases implements ConcurrencyLeases {

	private static final byte[] SERVER_TIME = new byte[0];

	private final GuardedRedis redis;

	private final TokenBucketScript script = TokenBucketScript.load("concurrency-lease.lua");

	private final String namespace;

	private final @Nullable TimeMeter testTime;

	/** Unique among instances, so that call ids from two instances never collide. */
	private final String instance = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));

	private final AtomicLong calls = new AtomicLong();

	/**
	 * Creates leases.
	 * @param redis the guarded connection
	 * @param namespace the namespace that starts every key
	 * @param testTime for tests only: a time source sent to the script instead of it
	 * reading the Redis server's clock; {@code null} for the server's clock
	 */
	public RedisConcurrencyLeases(GuardedRedis redis, String namespace, @Nullable TimeMeter testTime) {
		this.redis = redis;
		this.namespace = namespace;
		this.testTime = testTime;
	}

	@Override
	public @Nullable String tryAcquire(RateLimitTier tier, String clientKey) {
		Acquisition acquisition = new Acquisition(tier, clientKey);
		return acquisition.leaseOf(this.redis.call(acquisition::send));
	}

	/** The same {@code EVALSHA}, sent through {@link GuardedRedis#callAsync}. */
	@Override
	public CompletionStage<@Nullable String> tryAcquireAsync(RateLimitTier tier, String clientKey) {
		Acquisition acquisition = new Acquisition(tier, clientKey);
		return this.redis.callAsync(acquisition::send).thenApply(acquisition::leaseOf);
	}

	@Override
	public void release(RateLimitTier tier, String clientKey, String lease) {
		byte[] key = key(tier.name(), clientKey);
		byte[] member = ascii(lease);
		this.redis.call((commands) -> commands.zrem(key, member));
	}

	@Override
	public CompletionStage<@Nullable Void> releaseAsync(RateLimitTier tier, String clientKey, String lease) {
		byte[] key = key(tier.name(), clientKey);
		byte[] member = ascii(lease);
		return this.redis.callAsync((commands) -> commands.zrem(key, member)).thenApply((removed) -> null);
	}

	/** One call's attempt to take a lease: its id, and the script's arguments. */
	private final class Acquisition {

		private final String id = RedisConcurrencyLeases.this.instance + ":"
				+ RedisConcurrencyLeases.this.calls.incrementAndGet();

		private final byte[] key;

		private final byte[][] argv;

		Acquisition(RateLimitTier tier, String clientKey) {
			RateLimitTier.Concurrency concurrency = tier.concurrency();
			if (concurrency == null) {
				throw new IllegalArgumentException("Tier '" + tier.name() + "' has no concurrency limit");
			}
			this.key = key(tier.name(), clientKey);
			this.argv = new byte[][] { now(), ascii(concurrency.maxCalls()), ascii(concurrency.leaseTtl().toMillis()),
					ascii(this.id) };
		}

		CompletionStage<List<Long>> send(RedisClusterAsyncCommands<byte[], byte[]> commands) {
			return RedisConcurrencyLeases.this.script.run(commands, this.key, this.argv);
		}

		@Nullable String leaseOf(@Nullable List<Long> reply) {
			if (reply == null || reply.size() != 2) {
				throw new RedisUnavailableException("Unexpected reply of the concurrency-lease script: " + reply, null);
			}
			return (reply.get(0) == 1) ? this.id : null;
		}

	}

	/**
	 * Returns the Redis key of a client's leases of a tier.
	 * @param tier the tier name
	 * @param clientKey the client key
	 * @return the key
	 */
	public String keyText(String tier, String clientKey) {
		return "{" + this.namespace + ":rc:" + tier + ":"
				+ new String(RedisTokenBuckets.hexHash(clientKey), StandardCharsets.US_ASCII) + "}";
	}

	private byte[] key(String tier, String clientKey) {
		return keyText(tier, clientKey).getBytes(StandardCharsets.UTF_8);
	}

	private byte[] now() {
		if (this.testTime == null) {
			return SERVER_TIME;
		}
		return ascii(this.testTime.currentTimeNanos() / 1_000_000);
	}

	private static byte[] ascii(Object value) {
		return value.toString().getBytes(StandardCharsets.US_ASCII);
	}

}
