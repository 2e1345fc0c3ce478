package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.TokenBuckets;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
import io.github.bucket4j.TimeMeter;
import org.jspecify.annotations.Nullable;

/**
 * Token buckets in Redis, shared by every instance: each check is one {@code EVALSHA} of
 * the {@link TokenBucketScript}, through {@link GuardedRedis}, that checks every limit of
 * the tier at once using the Redis server's clock.
 * <p>
 * A bucket's key is {@code {<prefix>:rl:<tier>:<hash>}:v2}: the client key is hashed
 * (SHA-256, the first 128 bits in hex), so no address or API key is stored in Redis and
 * a client cannot choose how long a key is; the braces make the whole key its Redis
 * Cluster hash tag. {@code v2} names the format of the value (one field per limit, named
 * by its rate): a version of tiergate that stores buckets in another format uses another
 * key, so that during a rolling deploy neither reads the other's buckets as full ones.
 */
public final class RedisTokenBuckets implements TokenBuckets {

	/** After the hash tag: the format of the value. */
	private static final String FORMAT_SUFFIX = "}:v2";

	private static final byte[] KEY_END = FORMAT_SUFFIX.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SERVER_TIME = new byte[0];

	private static final byte[] ONE = ascii(1);

	/** Starts the arguments that name the fields of limits whose rate changed (see the script). */
	private static final byte[] RENAMED = "renamed".getBytes(StandardCharsets.US_ASCII);

	private static final int HASH_BYTES = 16;

	private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	});

	private final GuardedRedis redis;

	private final TokenBucketScript script;

	private final String namespace;

	private final @Nullable TimeMeter testTime;

	private final ConcurrentMap<String, TierArguments> tiers = new ConcurrentHashMap<>();

	/**
	 * Creates buckets that use the Redis server's clock.
	 * @param redis the guarded connection
	 * @param namespace the namespace that starts every key
	 */
	public RedisTokenBuckets(GuardedRedis redis, String namespace) {
		this(redis, namespace, null);
	}

	/**
	 * Creates buckets.
	 * @param redis the guarded connection
	 * @param namespace the namespace that starts every key
	 * @param testTime for tests only: a time source whose time is sent to the script
	 * instead of it reading the Redis server's clock, so that a test can move time without
	 * sleeping; {@code null} for the server's clock. Instances with different clocks must
	 * never share buckets this way.
	 */
	public RedisTokenBuckets(GuardedRedis redis, String namespace, @Nullable TimeMeter testTime) {
		this.redis = redis;
		this.script = TokenBucketScript.load();
		this.namespace = namespace;
		this.testTime = testTime;
	}

	@Override
	public RateLimitDecision tryConsume(RateLimitTier tier, String clientKey, long cost) {
		TierArguments arguments = arguments(tier);
		byte[] key = arguments.key(clientKey);
		byte[][] argv = arguments.argv(now(), cost);
		List<Long> reply = this.redis.call((commands) -> this.script.run(commands, key, argv));
		return decision(tier, reply);
	}

	/** One {@code EVALSHA} of the script in its settle mode (a cost starting with {@code ~}). */
	@Override
	public void settle(RateLimitTier tier, String clientKey, long tokens) {
		byte[] key = arguments(tier).key(clientKey);
		byte[][] argv = settleArguments(tier, tokens);
		this.redis.call((commands) -> this.script.run(commands, key, argv));
	}

	/** The same {@code EVALSHA}, sent through {@link GuardedRedis#callAsync}. */
	@Override
	public CompletionStage<@Nullable Void> settleAsync(RateLimitTier tier, String clientKey, long tokens) {
		byte[] key = arguments(tier).key(clientKey);
		byte[][] argv = settleArguments(tier, tokens);
		return this.redis.<List<Long>>callAsync((commands) -> this.script.run(commands, key, argv))
			.thenApply((reply) -> null);
	}

	private byte[][] settleArguments(RateLimitTier tier, long tokens) {
		return arguments(tier).argv(now(), ("~" + tokens).getBytes(StandardCharsets.US_ASCII));
	}

	/** The arguments of a tier's limits, made again when a live change replaced the tier. */
	private TierArguments arguments(RateLimitTier tier) {
		TierArguments arguments = this.tiers.get(tier.name());
		if (arguments == null || arguments.tier != tier) {
			arguments = this.tiers.compute(tier.name(), (name, previous) -> (previous != null && previous.tier == tier)
					? previous : new TierArguments(tier, previous));
		}
		return arguments;
	}

	/** One {@code EVALSHA} sent through {@link GuardedRedis#callAsync}: nothing waits for the reply. */
	@Override
	public CompletionStage<RateLimitDecision> tryConsumeAsync(RateLimitTier tier, String clientKey, long cost) {
		TierArguments arguments = arguments(tier);
		byte[] key = arguments.key(clientKey);
		byte[][] argv = arguments.argv(now(), cost);
		return this.redis.<List<Long>>callAsync((commands) -> this.script.run(commands, key, argv))
			.thenApply((reply) -> decision(tier, reply));
	}

	/**
	 * Returns the Redis key of a client's bucket of a tier.
	 * @param tier the tier name
	 * @param clientKey the client key
	 * @return the key
	 */
	public String key(String tier, String clientKey) {
		return tierPrefix(tier) + new String(hexHash(clientKey), StandardCharsets.US_ASCII) + FORMAT_SUFFIX;
	}

	/** The start of every bucket key of this namespace; its hash tag opens here. */
	private String bucketsPrefix() {
		return "{" + this.namespace + ":rl:";
	}

	/** The start of the bucket keys of a tier, up to the hashed client key. */
	private String tierPrefix(String tier) {
		return bucketsPrefix() + tier + ":";
	}

	/**
	 * Deletes the buckets of this namespace, the keys
	 * {@code {<namespace>:rl:<tier>:<hash>}:v2} of every tier, found by their prefix with
	 * {@code SCAN} on every master (never {@code KEYS}) and removed with {@code UNLINK}.
	 */
	@Override
	public long deleteAll() {
		return this.redis.scanPrefix(bucketsPrefix(), (keys) -> {
			Long unlinked = this.redis.call((commands) -> commands.unlink(keys.toArray(new byte[0][])));
			return (unlinked != null) ? unlinked : 0;
		});
	}

	@Override
	public boolean isAvailable() {
		return this.redis.isAvailable();
	}

	private byte[] now() {
		if (this.testTime == null) {
			return SERVER_TIME;
		}
		return Long.toString(this.testTime.currentTimeNanos() / 1000).getBytes(StandardCharsets.US_ASCII);
	}

	private static RateLimitDecision decision(RateLimitTier tier, List<Long> reply) {
		if (reply == null || reply.size() != 2 + 2 * tier.limits().size()) {
			throw new RedisUnavailableException("Unexpected reply of the token-bucket script: " + reply, null);
		}
		boolean allowed = reply.get(0) == 1;
		long waitMicros = reply.get(1);
		int count = tier.limits().size();
		if (count == 1) {
			// The usual tier: no arrays to find the limit closest to exhaustion among one.
			long remaining = reply.get(2);
			long resetNanos = reply.get(3) * 1000;
			return allowed ? RateLimitDecision.allowed(tier, Enforcement.DISTRIBUTED, 0, remaining, resetNanos)
					: RateLimitDecision.rejected(tier, Enforcement.DISTRIBUTED, 0, remaining, resetNanos,
							retryNanos(tier, waitMicros));
		}
		long[] remaining = new long[count];
		long[] resetNanos = new long[count];
		for (int i = 0; i < count; i++) {
			remaining[i] = reply.get(2 + 2 * i);
			resetNanos[i] = reply.get(3 + 2 * i) * 1000;
		}
		int closest = RateLimitDecision.closestToExhaustion(remaining, resetNanos);
		return allowed ? RateLimitDecision.allowed(tier, Enforcement.DISTRIBUTED, closest, remaining[closest],
				resetNanos[closest])
				: RateLimitDecision.rejected(tier, Enforcement.DISTRIBUTED, closest, remaining[closest],
						resetNanos[closest], retryNanos(tier, waitMicros));
	}

	/** -1: the call costs more than a capacity and never passes; a header needs a finite time. */
	private static long retryNanos(RateLimitTier tier, long waitMicros) {
		return (waitMicros < 0) ? tier.timeToFill().toNanos() : waitMicros * 1000;
	}

	/** The client key's hash in keys: SHA-256, the first 128 bits in hex. */
	static byte[] hexHash(String clientKey) {
		byte[] digest = SHA_256.get().digest(clientKey.getBytes(StandardCharsets.UTF_8));
		byte[] hex = new byte[HASH_BYTES * 2];
		for (int i = 0; i < HASH_BYTES; i++) {
			hex[2 * i] = HEX_DIGITS[(digest[i] >> 4) & 0xf];
			hex[2 * i + 1] = HEX_DIGITS[digest[i] & 0xf];
		}
		return hex;
	}

	/** What every check of one tier sends alike, encoded once. */
	private final class TierArguments {

		private final RateLimitTier tier;

		private final byte[] keyStart;

		private final byte[][] limits;

		private final byte[] globalKey;

		private final byte[] noneKey;

		/**
		 * Encodes the arguments of a tier.
		 * @param tier the tier
		 * @param previous the arguments of the tier before its limits changed in this JVM, if
		 * they did: a limit whose rate changed is sent with the field name of its previous
		 * rate, so that the script carries its tokens over as a share of the new capacity
		 */
		TierArguments(RateLimitTier tier, @Nullable TierArguments previous) {
			this.tier = tier;
			this.keyStart = tierPrefix(tier.name()).getBytes(StandardCharsets.UTF_8);
			List<RateLimitTier.Limit> tierLimits = tier.limits();
			List<RateLimitTier.Limit> before = (previous != null) ? previous.tier.limits() : List.of();
			boolean renamed = false;
			byte[][] renames = new byte[tierLimits.size()][];
			for (int i = 0; i < tierLimits.size(); i++) {
				RateLimitTier.Limit limit = tierLimits.get(i);
				renames[i] = new byte[0];
				if (i < before.size() && !rateId(before.get(i)).equals(rateId(limit))) {
					renames[i] = rateId(before.get(i)).getBytes(StandardCharsets.US_ASCII);
					renamed = true;
				}
			}
			this.limits = new byte[tierLimits.size() * 3 + (renamed ? 1 + renames.length : 0)][];
			for (int i = 0; i < tierLimits.size(); i++) {
				RateLimitTier.Limit limit = tierLimits.get(i);
				this.limits[3 * i] = ascii(limit.capacity());
				this.limits[3 * i + 1] = ascii(limit.scale());
				this.limits[3 * i + 2] = ascii(limit.unitsPerMicro());
			}
			if (renamed) {
				this.limits[3 * tierLimits.size()] = RENAMED;
				System.arraycopy(renames, 0, this.limits, 3 * tierLimits.size() + 1, renames.length);
			}
			// The keys of the 'global' resolver and of calls without a client are the same every time.
			this.globalKey = build("global");
			this.noneKey = build("none");
		}

		byte[] key(String clientKey) {
			return switch (clientKey) {
				case "global" -> this.globalKey;
				case "none" -> this.noneKey;
				default -> build(clientKey);
			};
		}

		byte[][] argv(byte[] now, long cost) {
			return argv(now, (cost == 1) ? ONE : ascii(cost));
		}

		byte[][] argv(byte[] now, byte[] cost) {
			byte[][] argv = new byte[2 + this.limits.length][];
			argv[0] = now;
			argv[1] = cost;
			System.arraycopy(this.limits, 0, argv, 2, this.limits.length);
			return argv;
		}

		private byte[] build(String clientKey) {
			byte[] hash = hexHash(clientKey);
			byte[] key = new byte[this.keyStart.length + hash.length + KEY_END.length];
			System.arraycopy(this.keyStart, 0, key, 0, this.keyStart.length);
			System.arraycopy(hash, 0, key, this.keyStart.length, hash.length);
			System.arraycopy(KEY_END, 0, key, this.keyStart.length + hash.length, KEY_END.length);
			return key;
		}

	}

	/** The name of a limit's field in the script's state: its rate, as a reduced fraction of units. */
	private static String rateId(RateLimitTier.Limit limit) {
		return limit.unitsPerMicro() + "/" + limit.scale();
	}

	private static byte[] ascii(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

}
