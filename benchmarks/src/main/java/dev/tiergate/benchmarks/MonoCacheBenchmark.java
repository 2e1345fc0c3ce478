package dev.tiergate.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Caching of methods that return a {@code Mono}, one thread, average time per call, each
 * call blocking for the value as a caller at the edge of a reactive application does:
 * <ul>
 * <li>{@code tiergateMonoL1Hit}: a bean method returning {@code Mono<Product>} with
 * {@code @TieredCacheable}, its key in L1;</li>
 * <li>{@code springCacheableMonoCaffeine}: the same method with Spring's
 * {@code @Cacheable} on a {@code CaffeineCacheManager} in asynchronous mode (what Boot
 * builds with {@code spring.cache.caffeine} for reactive methods), key cached;</li>
 * <li>{@code tiergateMonoL2Hit}: the {@code Mono} method of a cache whose L1 is off, its
 * value in Redis (read through Lettuce's asynchronous API);</li>
 * <li>{@code rawLettuceReactiveGet}: the same {@code GET} and JSON decode through
 * Lettuce's reactive API.</li>
 * </ul>
 * Targets (issue 15): {@code tiergateMonoL1Hit} at most half of
 * {@code springCacheableMonoCaffeine}; {@code tiergateMonoL2Hit} at most 1.1 times
 * {@code rawLettuceReactiveGet}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
public class MonoCacheBenchmark {

	private RedisProcess redis;

	private ConfigurableApplicationContext context;

	private ConfigurableApplicationContext springAsync;

	private Catalogs.TieredReactive tiered;

	private Catalogs.SpringReactive spring;

	private RawL2Client raw;

	private RedisReactiveCommands<byte[], byte[]> reactive;

	private byte[] key;

	@Setup
	public void start() {
		this.redis = TestRedis.startPrivate();
		this.context = BenchmarkApplication.start(this.redis.endpoint());
		this.tiered = this.context.getBean(Catalogs.TieredReactive.class);
		this.springAsync = BenchmarkApplication.start(this.redis.endpoint(), BenchmarkApplication.ASYNC_SPRING_CACHE + "=true");
		this.spring = this.springAsync.getBean(Catalogs.SpringReactive.class);
		// The first calls fill the caches; the measured ones are hits.
		Product first = this.tiered.product(CacheHitBenchmark.ID).block();
		if (this.tiered.product(CacheHitBenchmark.ID).block() != first
				|| !Product.load(CacheHitBenchmark.ID).equals(this.spring.product(CacheHitBenchmark.ID).block())
				|| this.spring.product(CacheHitBenchmark.ID).block() != this.spring.product(CacheHitBenchmark.ID).block()) {
			throw new IllegalStateException("The second call was not a cache hit");
		}
		Product loaded = this.tiered.productFromL2(CacheHitBenchmark.ID).block();
		this.raw = new RawL2Client(this.redis.endpoint(), this.context);
		this.reactive = this.raw.connection().reactive();
		this.key = this.raw.key();
		if (!loaded.equals(rawLettuceReactiveGet()) || !loaded.equals(tiergateMonoL2Hit())) {
			throw new IllegalStateException("The two L2 benchmarks do not read the same value");
		}
	}

	@TearDown
	public void stop() {
		BenchmarkApplication.checkRedisInUse(this.context);
		this.raw.close();
		this.springAsync.close();
		this.context.close();
		this.redis.close();
	}

	@Benchmark
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public Product tiergateMonoL1Hit() {
		return this.tiered.product(CacheHitBenchmark.ID).block();
	}

	@Benchmark
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public Product springCacheableMonoCaffeine() {
		return this.spring.product(CacheHitBenchmark.ID).block();
	}

	@Benchmark
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public Product tiergateMonoL2Hit() {
		return this.tiered.productFromL2(CacheHitBenchmark.ID).block();
	}

	@Benchmark
	@OutputTimeUnit(TimeUnit.MICROSECONDS)
	public Product rawLettuceReactiveGet() {
		return this.reactive.get(this.key).map(this.raw::decode).block();
	}

}
