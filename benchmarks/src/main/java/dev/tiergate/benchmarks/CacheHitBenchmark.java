package dev.tiergate.benchmarks;

import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.micrometer.observation.ObservationRegistry;
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
 * A cache hit in the JVM, one thread, average time per call:
 * <ul>
 * <li>{@code tiergateL1Hit}: a bean method with {@code @TieredCacheable}, its key in L1
 * (tiergate's advice, the key read from the argument, a Caffeine lookup);</li>
 * <li>{@code springCacheableCaffeine}: the same method with Spring's {@code @Cacheable}
 * on a {@code CaffeineCacheManager}, key in the cache;</li>
 * <li>{@code springCacheableTiered}: the same {@code @Cacheable} method on tiergate's
 * {@code CacheManager} ({@code tiergate.cache.spring.enabled=true}, a second application
 * on the same Redis), key in L1;</li>
 * <li>{@code rawCaffeine}: {@code Cache.getIfPresent} on a Caffeine cache, the floor;</li>
 * <li>{@code noCache}: the method itself, through a plain bean;</li>
 * <li>{@code tiergateL1HitObserved}: {@code tiergateL1Hit} in an application with an
 * {@code ObservationRegistry} that has a handler, as one that traces has (L1 hits are not
 * observed by default). Target: at most 5% over {@code tiergateL1Hit}.</li>
 * </ul>
 * The application runs with a real Redis (a private {@code redis-server} of the test
 * harness), which an L1 hit never touches. Target: {@code tiergateL1Hit} at most half the
 * time of {@code springCacheableCaffeine}, and fewer bytes allocated per call
 * ({@code gc.alloc.rate.norm} of {@code -prof gc}); {@code springCacheableTiered} at most
 * 1.1 times {@code springCacheableCaffeine}.
 * <p>
 * Run it alone from the project root:
 * <pre>
 * mvn -pl benchmarks -am verify -DskipTests -Pbenchmarks -Djmh.args="CacheHitBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheHitBenchmark {

	/** A key every benchmark reads; a small {@code long}, so boxing it allocates nothing. */
	static final long ID = 42;

	private RedisProcess redis;

	private ConfigurableApplicationContext context;

	private ConfigurableApplicationContext springOnTiergate;

	private Catalogs.Tiered tiered;

	private ConfigurableApplicationContext observedContext;

	private Catalogs.Tiered observed;

	private Catalogs.SpringCached spring;

	private Catalogs.SpringCached springTiered;

	private Catalogs.Plain plain;

	private Cache<Long, Product> caffeine;

	@Setup
	public void start() {
		this.redis = TestRedis.startPrivate();
		this.context = BenchmarkApplication.start(this.redis.endpoint());
		this.tiered = this.context.getBean(Catalogs.Tiered.class);
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler((observationContext) -> true);
		this.observedContext = BenchmarkApplication.start(this.redis.endpoint(), observations);
		this.observed = this.observedContext.getBean(Catalogs.Tiered.class);
		if (this.observed.product(ID) != this.observed.product(ID)) {
			throw new IllegalStateException("The second observed call was not a cache hit");
		}
		this.spring = this.context.getBean(Catalogs.SpringCached.class);
		this.plain = this.context.getBean(Catalogs.Plain.class);
		this.springOnTiergate = BenchmarkApplication.start(this.redis.endpoint(), "tiergate.cache.spring.enabled=true");
		this.springTiered = this.springOnTiergate.getBean(Catalogs.SpringCached.class);
		this.caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
		this.caffeine.put(ID, Product.load(ID));
		// The first calls fill the caches; the measured ones are hits.
		Product first = this.tiered.product(ID);
		if (this.tiered.product(ID) != first || this.spring.product(ID) != this.spring.product(ID)
				|| this.springTiered.product(ID) != this.springTiered.product(ID)) {
			throw new IllegalStateException("The second call was not a cache hit");
		}
	}

	@TearDown
	public void stop() {
		this.observedContext.close();
		this.springOnTiergate.close();
		this.context.close();
		this.redis.close();
	}

	@Benchmark
	public Product tiergateL1Hit() {
		return this.tiered.product(ID);
	}

	@Benchmark
	public Product tiergateL1HitObserved() {
		return this.observed.product(ID);
	}

	@Benchmark
	public Product springCacheableCaffeine() {
		return this.spring.product(ID);
	}

	@Benchmark
	public Product springCacheableTiered() {
		return this.springTiered.product(ID);
	}

	@Benchmark
	public Product rawCaffeine() {
		return this.caffeine.getIfPresent(ID);
	}

	@Benchmark
	public Product noCache() {
		return this.plain.product(ID);
	}

}
