package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.ratelimit.ConcurrencyLeases;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
import io.github.bucket4j.TimeMeter;
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
		RateLimitTier.Concurrency concurrency = tier.concurrency();
		if (concurrency == null) {
			throw new IllegalArgumentException("Tier '" + tier.name() + "' has no concurrency limit");
		}
		String id = this.instance + ":" + this.calls.incrementAndGet();
		byte[] key = key(tier.name(), clientKey);
		byte[][] argv = { now(), ascii(concurrency.maxCalls()), ascii(concurrency.leaseTtl().toMillis()), ascii(id) };
		List<Long> reply = this.redis.call((commands) -> this.script.run(commands, key, argv));
		if (reply == null || reply.size() != 2) {
			throw new RedisUnavailableException("Unexpected reply of the concurrency-lease script: " + reply, null);
		}
		return (reply.get(0) == 1) ? id : null;
	}

	@Override
	public void release(RateLimitTier tier, String clientKey, String lease) {
		byte[] key = key(tier.name(), clientKey);
		byte[] member = ascii(lease);
		this.redis.call((commands) -> commands.zrem(key, member));
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
