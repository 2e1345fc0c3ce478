package dev.tiergate.cache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tiergate.cache.L2Store;
import dev.tiergate.redis.RedisConnector;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * {@link L2Store} on Redis through Lettuce: one command, one round trip, per operation,
 * each bounded by the connector's timeout.
 */
public final class LettuceL2Store implements L2Store {

	private static final int SCAN_BATCH = 500;

	private final RedisConnector connector;

	private final long timeoutNanos;

	/**
	 * Creates a store.
	 * @param connector the connection to use
	 */
	public LettuceL2Store(RedisConnector connector) {
		this.connector = connector;
		this.timeoutNanos = connector.timeout().toNanos();
	}

	@Override
	public byte @Nullable [] get(String key) {
		return await(this.connector.commands().get(bytes(key)));
	}

	@Override
	public void set(String key, byte[] value, Duration ttl) {
		await(this.connector.commands().psetex(bytes(key), ttl.toMillis(), value));
	}

	@Override
	public void delete(String key) {
		await(this.connector.commands().unlink(bytes(key)));
	}

	@Override
	public long deleteByPrefix(String keyPrefix) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = this.connector.commands();
		ScanArgs match = ScanArgs.Builder.matches(escapeGlob(keyPrefix) + "*").limit(SCAN_BATCH);
		long deleted = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<byte[]> page = await(commands.scan(cursor, match));
			List<byte[]> keys = page.getKeys();
			if (!keys.isEmpty()) {
				Long unlinked = await(commands.unlink(keys.toArray(new byte[0][])));
				deleted += (unlinked != null) ? unlinked : 0;
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		return deleted;
	}

	private <T> T await(RedisFuture<T> future) {
		return LettuceFutures.awaitOrCancel(future, this.timeoutNanos, TimeUnit.NANOSECONDS);
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
