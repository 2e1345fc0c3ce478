package dev.tiergate.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * A plain Lettuce client for tests to look at what tiergate left in Redis, and to plant
 * bytes there.
 */
public final class RedisProbe implements AutoCloseable {

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final RedisCommands<byte[], byte[]> commands;

	/**
	 * Connects to a Redis.
	 * @param endpoint where it listens
	 */
	public RedisProbe(RedisEndpoint endpoint) {
		this.client = RedisClient.create(RedisURI.create(endpoint.uri()));
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.connection.setTimeout(Duration.ofSeconds(10));
		this.commands = this.connection.sync();
	}

	/**
	 * Returns how often the server ran a command since its start or the last
	 * {@link #resetStats()}, from {@code INFO commandstats}.
	 * @param command the command, for example {@code get}
	 * @return the number of calls
	 */
	public long commandCount(String command) {
		String prefix = "cmdstat_" + command.toLowerCase() + ":calls=";
		for (String line : this.commands.info("commandstats").split("\r?\n")) {
			if (line.startsWith(prefix)) {
				int end = line.indexOf(',', prefix.length());
				return Long.parseLong(line.substring(prefix.length(), (end >= 0) ? end : line.length()));
			}
		}
		return 0;
	}

	/**
	 * Resets the server's command statistics ({@code CONFIG RESETSTAT}).
	 */
	public void resetStats() {
		this.commands.configResetstat();
	}

	/**
	 * Returns the remaining time to live of a key in milliseconds ({@code -2} when absent,
	 * {@code -1} without expiry).
	 * @param key the key
	 * @return the time to live
	 */
	public long pttl(String key) {
		return this.commands.pttl(bytes(key));
	}

	public boolean exists(String key) {
		return this.commands.exists(bytes(key)) > 0;
	}

	public byte[] get(String key) {
		return this.commands.get(bytes(key));
	}

	public void set(String key, byte[] value) {
		this.commands.set(bytes(key), value);
	}

	/**
	 * Returns the keys matching a pattern, with {@code SCAN} (never {@code KEYS}).
	 * @param pattern the glob pattern
	 * @return the keys
	 */
	public List<String> scanKeys(String pattern) {
		List<String> keys = new ArrayList<>();
		ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<byte[]> page = this.commands.scan(cursor, args);
			page.getKeys().forEach((key) -> keys.add(new String(key, StandardCharsets.UTF_8)));
			cursor = page;
		}
		while (!cursor.isFinished());
		return keys;
	}

	public void flushAll() {
		this.commands.flushall();
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	private static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

}
