package dev.tiergate.cache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.tiergate.cache.L2Store;
import dev.tiergate.redis.GuardedRedis;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * {@link L2Store} on Redis through Lettuce: one command, one round trip, per operation,
 * each bounded by the timeout and skipped at once while the circuit breaker is open.
 */
public final class LettuceL2Store implements L2Store {

	/** Deletes the lock only if this instance still holds it, so an expired lease taken over stays. */
	private static final String UNLOCK_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then"
			+ " return redis.call('del', KEYS[1]) else return 0 end";

	/**
	 * The larger of the next generation and the server's clock in microseconds, so that a
	 * generation key that expired does not start over below the generations still in use.
	 */
	private static final String ADVANCE_GENERATION_SCRIPT = "local old = tonumber(redis.call('get', KEYS[1])) or 0"
			+ " local time = redis.call('time')"
			+ " local now = tonumber(time[1]) * 1000000 + tonumber(time[2])"
			+ " local next = math.max(old + 1, now)"
			+ " redis.call('set', KEYS[1], string.format('%.0f', next), 'px', ARGV[1])"
			+ " return string.format('%.0f', next)";

	/** Unlinks a key unless its value starts with ARGV[1]. */
	private static final String UNLINK_UNLESS_SCRIPT = "local v = redis.call('get', KEYS[1])"
			+ " if v and string.sub(v, 1, #ARGV[1]) ~= ARGV[1] then return redis.call('unlink', KEYS[1]) end"
			+ " return 0";

	private final GuardedRedis redis;

	/**
	 * Creates a store.
	 * @param redis the guarded connection to use
	 */
	public LettuceL2Store(GuardedRedis redis) {
		this.redis = redis;
	}

	@Override
	public byte @Nullable [] get(String key) {
		return this.redis.call((commands) -> commands.get(bytes(key)));
	}

	@Override
	public @Nullable Expiring getWithTtl(String key) {
		return this.redis.call((commands) -> withTtl(commands, bytes(key)));
	}

	/** Both commands are written before either reply is awaited: one round trip. */
	private static CompletionStage<@Nullable Expiring> withTtl(RedisClusterAsyncCommands<byte[], byte[]> commands,
			byte[] redisKey) {
		return commands.get(redisKey)
			.thenCombine(commands.pttl(redisKey),
					(value, ttl) -> (value != null && ttl != null) ? new Expiring(value, ttl) : null);
	}

	@Override
	public void set(String key, byte[] value, Duration ttl) {
		this.redis.call((commands) -> commands.psetex(bytes(key), ttl.toMillis(), value));
	}

	@Override
	public CompletionStage<byte @Nullable []> getAsync(String key) {
		return this.redis.callAsync((commands) -> commands.get(bytes(key)));
	}

	@Override
	public CompletionStage<@Nullable Expiring> getWithTtlAsync(String key) {
		return this.redis.callAsync((commands) -> withTtl(commands, bytes(key)));
	}

	@Override
	public CompletionStage<?> setAsync(String key, byte[] value, Duration ttl) {
		return this.redis.callAsync((commands) -> commands.psetex(bytes(key), ttl.toMillis(), value));
	}

	@Override
	public CompletionStage<?> deleteAsync(String key) {
		return this.redis.callAsync((commands) -> commands.unlink(bytes(key)));
	}

	@Override
	public CompletionStage<Long> generationAsync(String key) {
		return this.redis.callAsync((commands) -> commands.get(bytes(key)))
			.thenApply(LettuceL2Store::parseGeneration);
	}

	@Override
	public List<byte @Nullable []> getAll(List<String> keys) {
		if (keys.isEmpty()) {
			return List.of();
		}
		byte[][] redisKeys = keys.stream().map(LettuceL2Store::bytes).toArray(byte[][]::new);
		// On a Cluster, Lettuce sends one MGET per hash slot, together, and merges the replies in key order.
		List<KeyValue<byte[], byte[]>> replies = this.redis.call((commands) -> commands.mget(redisKeys));
		List<byte @Nullable []> values = new ArrayList<>(replies.size());
		replies.forEach((reply) -> values.add(reply.hasValue() ? reply.getValue() : null));
		return values;
	}

	@Override
	public void setAll(Collection<Write> writes) {
		if (writes.isEmpty()) {
			return;
		}
		// All written before any reply is awaited: one round trip, whatever the slots.
		this.redis.call((commands) -> CompletableFuture.allOf(writes.stream()
			.map((write) -> commands.psetex(bytes(write.key()), write.ttl().toMillis(), write.value())
				.toCompletableFuture())
			.toArray(CompletableFuture[]::new)));
	}

	@Override
	public void delete(String key) {
		this.redis.call((commands) -> commands.unlink(bytes(key)));
	}

	@Override
	public void deleteAll(Collection<String> keys) {
		if (keys.isEmpty()) {
			return;
		}
		// One UNLINK per key, all written before any reply is awaited: one round trip, and no
		// multi-key command that Redis Cluster would refuse across slots.
		this.redis.call((commands) -> CompletableFuture
			.allOf(keys.stream().map((key) -> commands.unlink(bytes(key)).toCompletableFuture())
				.toArray(CompletableFuture[]::new)));
	}

	@Override
	public boolean exists(String key) {
		Long count = this.redis.call((commands) -> commands.exists(bytes(key)));
		return count != null && count > 0;
	}

	@Override
	public long generation(String key) {
		byte[] value = this.redis.call((commands) -> commands.get(bytes(key)));
		return parseGeneration(value);
	}

	@Override
	public long advanceGeneration(String key, Duration ttl) {
		byte[] value = this.redis.call((commands) -> commands.eval(ADVANCE_GENERATION_SCRIPT, ScriptOutputType.VALUE,
				new byte[][] { bytes(key) }, bytes(Long.toString(Math.max(1, ttl.toMillis())))));
		return parseGeneration(value);
	}

	/** A generation another writer left unreadable counts as none: the next advance moves past it by the clock. */
	private static long parseGeneration(byte @Nullable [] value) {
		if (value == null) {
			return 0;
		}
		try {
			return Math.max(0, Long.parseLong(new String(value, StandardCharsets.US_ASCII)));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	@Override
	public boolean tryLock(String key, String token, Duration lease) {
		String reply = this.redis
			.call((commands) -> commands.set(bytes(key), bytes(token), SetArgs.Builder.nx().px(lease.toMillis())));
		return "OK".equals(reply);
	}

	@Override
	public void unlock(String key, String token) {
		this.redis.call((commands) -> commands.eval(UNLOCK_SCRIPT, ScriptOutputType.INTEGER,
				new byte[][] { bytes(key) }, bytes(token)));
	}

	@Override
	public CompletionStage<Boolean> tryLockAsync(String key, String token, Duration lease) {
		return this.redis
			.callAsync((commands) -> commands.set(bytes(key), bytes(token), SetArgs.Builder.nx().px(lease.toMillis())))
			.thenApply("OK"::equals);
	}

	@Override
	public CompletionStage<?> unlockAsync(String key, String token) {
		return this.redis.callAsync((commands) -> commands.eval(UNLOCK_SCRIPT, ScriptOutputType.INTEGER,
				new byte[][] { bytes(key) }, bytes(token)));
	}

	@Override
	public CompletionStage<Boolean> existsAsync(String key) {
		return this.redis.callAsync((commands) -> commands.exists(bytes(key)))
			.thenApply((count) -> count != null && count > 0);
	}

	@Override
	public long deleteByPrefix(String keyPrefix) {
		return this.redis.scanPrefix(keyPrefix, (keys) -> {
			Long unlinked = this.redis.call((commands) -> commands.unlink(keys.toArray(new byte[0][])));
			return (unlinked != null) ? unlinked : 0;
		});
	}

	@Override
	public long deleteByPrefixExcept(String keyPrefix, byte[] keptValuePrefix) {
		byte[] lockPrefix = bytes(keyPrefix + "lock:");
		return this.redis.scanPrefix(keyPrefix, (page) -> {
			List<byte[]> keys = page.stream().filter((key) -> !startsWith(key, lockPrefix)).toList();
			if (keys.isEmpty()) {
				return 0;
			}
			// One single-key script per key, pipelined: no command spans two Cluster slots.
			List<Long> removed = this.redis.call((commands) -> {
				List<CompletableFuture<Long>> replies = keys.stream()
					.map((key) -> commands.<Long>eval(UNLINK_UNLESS_SCRIPT, ScriptOutputType.INTEGER,
							new byte[][] { key }, keptValuePrefix)
						.toCompletableFuture())
					.toList();
				return CompletableFuture.allOf(replies.toArray(new CompletableFuture[0]))
					.thenApply((done) -> replies.stream().map(CompletableFuture::join).toList());
			});
			return removed.stream().mapToLong((count) -> (count != null) ? count : 0).sum();
		});
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix) {
		if (bytes.length < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (bytes[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

}
