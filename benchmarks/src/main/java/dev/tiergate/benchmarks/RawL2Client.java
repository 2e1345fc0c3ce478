package dev.tiergate.benchmarks;

import java.nio.charset.StandardCharsets;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.RedisEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a user without tiergate would do to read the value tiergate wrote for
 * {@link CacheHitBenchmark#ID} in {@link Catalogs#L2_ONLY}: a Lettuce connection of its own,
 * the same key and bytes, and a plain Jackson reader for the JSON after tiergate's format
 * header. The baseline of the L2 benchmarks.
 */
final class RawL2Client implements AutoCloseable {

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final byte[] key;

	private final ObjectReader reader = JsonMapper.builder().build().readerFor(Product.class);

	private final int headerLength;

	/**
	 * Connects, once the application has written the value to Redis.
	 * @param redis the Redis of the application
	 * @param context the application
	 */
	RawL2Client(RedisEndpoint redis, ConfigurableApplicationContext context) {
		this.key = context.getBean(TieredCaches.class)
			.get(Catalogs.L2_ONLY)
			.redisKey(CacheHitBenchmark.ID)
			.getBytes(StandardCharsets.UTF_8);
		this.client = RedisClient.create(redis.uri());
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		byte[] stored = this.connection.sync().get(this.key);
		if (stored == null) {
			throw new IllegalStateException("tiergate wrote nothing under " + new String(this.key, StandardCharsets.UTF_8));
		}
		// tiergate's values start with a format header ("tg1:") before the JSON.
		this.headerLength = new String(stored, StandardCharsets.UTF_8).indexOf('{');
	}

	StatefulRedisConnection<byte[], byte[]> connection() {
		return this.connection;
	}

	byte[] key() {
		return this.key;
	}

	Product decode(byte[] bytes) {
		return this.reader.readValue(bytes, this.headerLength, bytes.length - this.headerLength);
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
