package dev.tiergate.cache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.tiergate.cache.L2Store;
import dev.tiergate.redis.GuardedRedis;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.jspecify.annotations.Nullable;

/**
 * {@link L2Store} on Redis through Lettuce: one command, one round trip, per operation,
 * each bounded by the timeout and skipped at once while the circuit breaker is open.
 */
public final class LettuceL2Store implements L2Store {

	private static final int SCAN_BATCH = 500;

	/** Deletes the lock only if this instance still holds it, so an expired lease taken over stays. */
	private static final String UNLOCK_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then"
			+ " return redis.call('del', KEYS[1]) else return 0 end";

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
		byte[] redisKey = bytes(key);
		// Both commands are written before either reply is awaited: one round trip.
		return this.redis.call((commands) -> commands.get(redisKey)
			.thenCombine(commands.pttl(redisKey),
					(value, ttl) -> (value != null && ttl != null) ? new Expiring(value, ttl) : null));
	}

	@Override
	public void set(String key, byte[] value, Duration ttl) {
		this.redis.call((commands) -> commands.psetex(bytes(key), ttl.toMillis(), value));
	}

	@Override
	public void delete(String key) {
		this.redis.call((commands) -> commands.unlink(bytes(key)));
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
	public long deleteByPrefix(String keyPrefix) {
		ScanArgs match = ScanArgs.Builder.matches(escapeGlob(keyPrefix) + "*").limit(SCAN_BATCH);
		long deleted = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			ScanCursor current = cursor;
			KeyScanCursor<byte[]> page = this.redis.call((commands) -> commands.scan(current, match));
			List<byte[]> keys = page.getKeys();
			if (!keys.isEmpty()) {
				Long unlinked = this.redis.call((commands) -> commands.unlink(keys.toArray(new byte[0][])));
				deleted += (unlinked != null) ? unlinked : 0;
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		return deleted;
	}

	private static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

	/** Makes a literal prefix safe inside a SCAN MATCH pattern. */
	static String escapeGlob(String literal) {
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

}
