package dev.tiergate.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.ManualTicker;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of the cache engine on its own, without Spring, against a real Redis.
 */
@ExtendWith(OutputCaptureExtension.class)
class TieredCacheTests {

	private static final Duration L1_TTL = Duration.ofSeconds(30);

	private static final Duration L2_TTL = Duration.ofHours(1);

	private static RedisClient client;

	private static RedisConnector connector;

	private static GuardedRedis guarded;

	private static RedisProbe redis;

	private final String namespace = "engine-" + UUID.randomUUID();

	private final ManualTicker ticker = new ManualTicker();

	private final RecordingMetrics metrics = new RecordingMetrics();

	private final AtomicInteger loads = new AtomicInteger();

	@BeforeAll
	static void connect() {
		client = RedisClient.create(TestRedis.shared().uri());
		connector = new RedisConnector(client, Duration.ofSeconds(2), Duration.ofSeconds(1));
		guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()), BreakerSettings.DEFAULTS);
		redis = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void disconnect() {
		guarded.close();
		connector.close();
		client.shutdown();
		redis.close();
	}

	@Test
	void secondReadIsAnL1HitWithoutRedis() throws Throwable {
		TieredCache cache = cache(settings());
		assertThat(cache.get("k", String.class, loader("v"), (value) -> true)).isEqualTo("v");
		long getsBefore = redis.commandCount("get");
		assertThat(cache.get("k", String.class, loader("other"), (value) -> true)).isEqualTo("v");
		assertThat(redis.commandCount("get")).isEqualTo(getsBefore);
		assertThat(this.loads).hasValue(1);
		assertThat(this.metrics.counts).containsEntry("l1.hit", 1).containsEntry("l1.miss", 1)
			.containsEntry("l2.miss", 1).containsEntry("load.success", 1);
	}

	@Test
	void anotherInstanceReadsL2WithoutLoading() throws Throwable {
		cache(settings()).get("k", Product.class, loader(new Product(1, "Kettle")), (value) -> true);
		TieredCache otherInstance = cache(settings());
		assertThat(otherInstance.get("k", Product.class, loader(new Product(1, "Changed")), (value) -> true))
			.isEqualTo(new Product(1, "Kettle"));
		assertThat(this.loads).hasValue(1);
		assertThat(this.metrics.counts).containsEntry("l2.hit", 1);
	}

	@Test
	void l1EntriesExpireAfterTheirTtl() throws Throwable {
		TieredCache l1Only = cache(new TieredCacheSettings("products", true, L1_TTL, 100, false, L2_TTL, 0, false));
		l1Only.get("k", String.class, loader("v"), (value) -> true);
		this.ticker.advance(L1_TTL.minusSeconds(1));
		l1Only.get("k", String.class, loader("v"), (value) -> true);
		assertThat(this.loads).hasValue(1);
		this.ticker.advance(Duration.ofSeconds(2));
		assertThat(l1Only.lookupL1("k")).isSameAs(TieredCache.ABSENT);
		l1Only.get("k", String.class, loader("v"), (value) -> true);
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void anExpiredL1EntryIsReloadedFromL2() throws Throwable {
		TieredCache cache = cache(settings());
		cache.get("k", String.class, loader("v"), (value) -> true);
		this.ticker.advance(L1_TTL.plusSeconds(1));
		assertThat(cache.get("k", String.class, loader("other"), (value) -> true)).isEqualTo("v");
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void l2EntriesHaveTheConfiguredTtl() throws Throwable {
		TieredCache cache = cache(settings());
		cache.get("k", String.class, loader("v"), (value) -> true);
		assertThat(redis.pttl(cache.redisKey("k"))).isBetween(L2_TTL.toMillis() - 60_000, L2_TTL.toMillis());
	}

	@Test
	void jitterSpreadsL2TtlsBelowTheConfiguredTtl() throws Throwable {
		TieredCache cache = cache(new TieredCacheSettings("products", true, L1_TTL, 100, true, L2_TTL, 0.5, false));
		Set<Long> ttls = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			cache.get(i, Integer.class, loader(i), (value) -> true);
			ttls.add(redis.pttl(cache.redisKey(i)) / 1000);
		}
		assertThat(ttls).allSatisfy((ttl) -> assertThat(ttl).isBetween(L2_TTL.toSeconds() / 2 - 1, L2_TTL.toSeconds()));
		assertThat(ttls).hasSizeGreaterThan(1);
	}

	@Test
	void fiftyConcurrentCallersOfOneMissingKeyShareOneLoad() throws Exception {
		TieredCache cache = cache(settings());
		CountDownLatch started = new CountDownLatch(50);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(50);
		try {
			List<Future<Object>> results = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				results.add(threads.submit(() -> {
					started.countDown();
					return inThread(cache, "hot", () -> {
						this.loads.incrementAndGet();
						release.await(10, TimeUnit.SECONDS);
						return "loaded";
					});
				}));
			}
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			release.countDown();
			for (Future<Object> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void differentKeysLoadInParallel() throws Exception {
		TieredCache cache = cache(settings());
		CountDownLatch secondLoading = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<Object> first = threads.submit(
					() -> inThread(cache, "a", () -> secondLoading.await(10, TimeUnit.SECONDS)));
			Future<Object> second = threads.submit(() -> inThread(cache, "b", () -> {
				secondLoading.countDown();
				return true;
			}));
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(true);
			assertThat(first.get(10, TimeUnit.SECONDS)).as("first load saw the second one run meanwhile")
				.isEqualTo(true);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void exceptionsReachTheCallerUnchangedAndAreNotCached() throws Throwable {
		TieredCache cache = cache(settings());
		IOException failure = new IOException("backend down");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> cache.get("k", String.class, () -> {
				this.loads.incrementAndGet();
				throw failure;
			}, (value) -> true))
			.isSameAs(failure);
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();
		assertThat(cache.get("k", String.class, loader("v"), (value) -> true)).isEqualTo("v");
		assertThat(this.loads).hasValue(2);
		assertThat(this.metrics.counts).containsEntry("load.failure", 1).containsEntry("load.success", 1);
	}

	@Test
	void nullsAreNotCachedUnlessConfigured() throws Throwable {
		TieredCache cache = cache(settings());
		assertThat(cache.get("k", String.class, loader(null), (value) -> true)).isNull();
		assertThat(cache.get("k", String.class, loader(null), (value) -> true)).isNull();
		assertThat(this.loads).hasValue(2);
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();

		TieredCache nulls = cache(new TieredCacheSettings("nullable", true, L1_TTL, 100, true, L2_TTL, 0, true));
		assertThat(nulls.get("k", String.class, loader(null), (value) -> true)).isNull();
		assertThat(cache(nulls.settings()).get("k", String.class, loader("v"), (value) -> true)).isNull();
		assertThat(this.loads).hasValue(3);
	}

	@Test
	void aVetoedResultIsReturnedButNotStored() throws Throwable {
		TieredCache cache = cache(settings());
		assertThat(cache.get("k", String.class, loader("v"), (value) -> false)).isEqualTo("v");
		assertThat(cache.lookupL1("k")).isSameAs(TieredCache.ABSENT);
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();
	}

	@Test
	void corruptBytesAreAMissThatIsOverwrittenCountedAndLoggedOnce(CapturedOutput output) throws Throwable {
		TieredCache cache = cache(settings());
		for (String key : List.of("a", "b")) {
			redis.set(cache.redisKey(key), new byte[] { 't', 'g', '1', ':', (byte) 0xc3, 0x28, '{' });
			assertThat(cache.get(key, Product.class, loader(new Product(1, key)), (value) -> true))
				.isEqualTo(new Product(1, key));
			assertThat(new String(redis.get(cache.redisKey(key)), StandardCharsets.UTF_8))
				.isEqualTo("tg1:{\"id\":1,\"name\":\"" + key + "\"}");
		}
		assertThat(this.loads).hasValue(2);
		assertThat(this.metrics.counts).containsEntry("error.decode", 2);
		assertThat(output.getAll().split("could not be decoded", -1)).hasSize(2);
	}

	@Test
	void aPayloadNamingAForeignClassIsAMiss() throws Throwable {
		TieredCache cache = cache(settings());
		redis.set(cache.redisKey("k"),
				"tg1:[\"java.net.URL\",\"http://evil\"]".getBytes(StandardCharsets.UTF_8));
		Object value = cache.get("k", Product.class, loader(new Product(7, "Real")), (loaded) -> true);
		assertThat(value).isEqualTo(new Product(7, "Real"));
		assertThat(this.metrics.counts).containsEntry("error.decode", 1);
	}

	@Test
	void putReplacesAndEvictRemovesInBothTiers() throws Throwable {
		TieredCache cache = cache(settings());
		cache.get("k", String.class, loader("old"), (value) -> true);
		cache.put("k", String.class, "new");
		assertThat(cache.get("k", String.class, loader("unused"), (value) -> true)).isEqualTo("new");
		assertThat(cache(settings()).get("k", String.class, loader("unused"), (value) -> true)).isEqualTo("new");
		cache.evict("k");
		assertThat(cache.lookupL1("k")).isSameAs(TieredCache.ABSENT);
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();
	}

	@Test
	void clearRemovesEveryKeyOfTheCacheAndNoOther() throws Throwable {
		TieredCache products = cache(settings());
		TieredCache offers = cache(settings().withName("offers"));
		TieredCache globLike = cache(settings().withName("pro*"));
		for (int i = 0; i < 1200; i++) {
			products.get(i, Integer.class, loader(i), (value) -> true);
		}
		offers.get(1, Integer.class, loader(1), (value) -> true);
		globLike.get(1, Integer.class, loader(1), (value) -> true);
		globLike.clear();
		assertThat(redis.scanKeys(this.namespace + ":products:*")).hasSize(1200);
		products.clear();
		assertThat(redis.scanKeys(this.namespace + ":products:*")).isEmpty();
		assertThat(products.lookupL1(1)).isSameAs(TieredCache.ABSENT);
		assertThat(redis.scanKeys(this.namespace + ":offers:*")).hasSize(1);
		assertThat(redis.commandCount("keys")).isZero();
	}

	@Test
	void withoutRedisTheCacheServesFromL1AndTheLoader() throws Throwable {
		try (var stopped = TestRedis.startPrivate()) {
			RedisClient stoppedClient = RedisClient.create(stopped.endpoint().uri());
			RedisConnector stoppedConnector = new RedisConnector(stoppedClient, Duration.ofMillis(200),
					Duration.ofSeconds(1));
			GuardedRedis stoppedRedis = new GuardedRedis(stoppedConnector, new RedisHealthState(Clock.systemUTC()),
					BreakerSettings.DEFAULTS);
			try {
				stopped.stop();
				TieredCache cache = new TieredCache(settings(), this.namespace, new LettuceL2Store(stoppedRedis),
						new JsonL2Codec(), new CacheKeyEncoder(), this.metrics, this.ticker);
				assertThat(cache.get("k", String.class, loader("v"), (value) -> true)).isEqualTo("v");
				assertThat(cache.get("k", String.class, loader("v"), (value) -> true)).isEqualTo("v");
				assertThat(this.loads).hasValue(1);
				assertThat(this.metrics.counts.get("error.redis")).isPositive();
			}
			finally {
				stoppedRedis.close();
				stoppedConnector.close();
				stoppedClient.shutdown();
			}
		}
	}

	/** Calls the cache from a task, which may throw exceptions but not throwables. */
	private static Object inThread(TieredCache cache, String key, TieredCache.Loader loader) throws Exception {
		try {
			return cache.get(key, Object.class, loader, (value) -> true);
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private TieredCacheSettings settings() {
		return new TieredCacheSettings("products", true, L1_TTL, 100, true, L2_TTL, 0, false);
	}

	private TieredCache cache(TieredCacheSettings settings) {
		return new TieredCache(settings, this.namespace, new LettuceL2Store(guarded), new JsonL2Codec(),
				new CacheKeyEncoder(), this.metrics, this.ticker);
	}

	private TieredCache.Loader loader(Object value) {
		return () -> {
			this.loads.incrementAndGet();
			return value;
		};
	}

	record Product(long id, String name) {
	}

	static final class RecordingMetrics implements CacheMetrics {

		final Map<String, Integer> counts = new ConcurrentHashMap<>();

		@Override
		public void l1Get(boolean hit) {
			count(hit ? "l1.hit" : "l1.miss");
		}

		@Override
		public void l2Get(boolean hit) {
			count(hit ? "l2.hit" : "l2.miss");
		}

		@Override
		public void load(long nanos, boolean success) {
			count(success ? "load.success" : "load.failure");
		}

		@Override
		public void error(CacheErrorKind kind) {
			count("error." + kind.tag());
		}

		private void count(String name) {
			this.counts.merge(name, 1, Integer::sum);
		}

	}

}
