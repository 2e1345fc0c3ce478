package dev.tiergate.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tiergate.cache.TieredCacheOperations;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A cache hit in Redis, one thread, average time per call:
 * <ul>
 * <li>{@code tiergateL2Hit}: a bean method with {@code @TieredCacheable} on a cache whose
 * L1 is off ({@code l1.enabled: false}), its value in Redis: tiergate's advice, key
 * building, one {@code GET} through its guarded connection (timeout and circuit breaker),
 * and the JSON decode into the method's return type;</li>
 * <li>{@code rawLettuceGet}: a Lettuce synchronous {@code GET} of the same key and bytes
 * and the same JSON decode with a plain Jackson reader, the floor;</li>
 * <li>{@code tiergateGetAll100}: {@code TieredCacheOperations.getAll} of 100 keys of the
 * same cache, all in Redis: one {@code MGET} and 100 decodes per call.</li>
 * </ul>
 * Both run against a private {@code redis-server} of the test harness on loopback; the
 * Redis commands each sends per call are counted ({@code INFO commandstats}) and printed
 * after every iteration as a {@code [redis]} line. Target: {@code tiergateL2Hit} at most
 * 1.15 times {@code rawLettuceGet}, with exactly one command per call, and so
 * {@code tiergateGetAll100}.
 * <p>
 * Run it alone from the project root:
 * <pre>
 * mvn -pl benchmarks -am verify -DskipTests -Pbenchmarks -Djmh.args="CacheL2Benchmark -prof gc"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CacheL2Benchmark {

	private RedisProcess redis;

	private ConfigurableApplicationContext context;

	private Catalogs.Tiered tiered;

	private RawL2Client raw;

	private RedisCommands<byte[], byte[]> commands;

	private byte[] key;

	private RedisCommandCount commandCount;

	private TieredCacheOperations operations;

	private List<Long> hundredKeys;

	@Setup
	public void start() {
		this.redis = TestRedis.startPrivate();
		this.context = BenchmarkApplication.start(this.redis.endpoint());
		this.tiered = this.context.getBean(Catalogs.Tiered.class);
		// The first call loads the value and writes it to Redis; the measured ones read it.
		Product loaded = this.tiered.productFromL2(CacheHitBenchmark.ID);
		this.raw = new RawL2Client(this.redis.endpoint(), this.context);
		this.commands = this.raw.connection().sync();
		this.key = this.raw.key();
		if (!loaded.equals(rawLettuceGet()) || !loaded.equals(this.tiered.productFromL2(CacheHitBenchmark.ID))) {
			throw new IllegalStateException("The two benchmarks do not read the same value");
		}
		this.operations = this.context.getBean(TieredCacheOperations.class);
		Map<Long, Product> hundred = new LinkedHashMap<>();
		for (long id = 1; id <= 100; id++) {
			hundred.put(id, Product.load(id));
		}
		this.operations.putAll(Catalogs.L2_ONLY, hundred, Product.class);
		this.hundredKeys = List.copyOf(hundred.keySet());
		if (!tiergateGetAll100().equals(hundred)) {
			throw new IllegalStateException("getAll did not read the 100 values back");
		}
		this.commandCount = new RedisCommandCount(this.redis.endpoint());
	}

	@Setup(Level.Iteration)
	public void resetCount() {
		this.commandCount.reset();
	}

	@TearDown(Level.Iteration)
	public void printCount(BenchmarkParams params) {
		System.out.println(count().describe(params.getBenchmark()));
		BenchmarkApplication.checkRedisInUse(this.context);
	}

	RedisCommandCount.Result count() {
		// No scripts here: every command was sent by a client.
		return this.commandCount.result(RedisCommandCount.Calls::total);
	}

	@TearDown
	public void stop() {
		this.commandCount.close();
		this.raw.close();
		this.context.close();
		this.redis.close();
	}

	@Benchmark
	public Product tiergateL2Hit(Calls calls) {
		calls.count++;
		return this.tiered.productFromL2(CacheHitBenchmark.ID);
	}

	@Benchmark
	public Product rawLettuceGet(Calls calls) {
		calls.count++;
		return rawLettuceGet();
	}

	@Benchmark
	public Map<Object, Product> tiergateGetAll100(Calls calls) {
		calls.count++;
		return tiergateGetAll100();
	}

	private Map<Object, Product> tiergateGetAll100() {
		return this.operations.getAll(Catalogs.L2_ONLY, this.hundredKeys, Product.class);
	}

	private Product rawLettuceGet() {
		return this.raw.decode(this.commands.get(this.key));
	}

	/** The calls of one benchmark thread, for the commands per call. */
	@State(Scope.Thread)
	public static class Calls extends RedisCommandCount.Operations {

		@Setup
		public void register(CacheL2Benchmark benchmark) {
			benchmark.commandCount.register(this);
		}

	}

}
