package dev.tiergate.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
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
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

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

	private final AtomicInteger loads = new AtomicInteger();

	private final ExecutorService refresher = TestThreads.pool(1);

	@BeforeAll
	static void connect() {
		client = RedisClient.create(TestRedis.shared().uri());
		connector = new RedisConnector(client, Duration.ofSeconds(2), Duration.ofSeconds(1));
		// Slow calls of a loaded test machine must not open the breaker: outages have tests of their own.
		guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()),
				BreakerSettings.builder().slowCallDurationThreshold(Duration.ofSeconds(2)).build());
		redis = new RedisProbe(TestRedis.shared());
	}

	@AfterEach
	void stopRefresher() {
		this.refresher.shutdownNow();
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
		CacheStatistics statistics = cache.statistics();
		assertThat(statistics.l1Hits()).isEqualTo(1);
		assertThat(statistics.l1Misses()).isEqualTo(1);
		assertThat(statistics.l2Misses()).isEqualTo(1);
		assertThat(statistics.loadSuccesses()).isEqualTo(1);
		assertThat(statistics.hitRatio(true)).isEqualTo(0.5);
	}

	@Test
	void anotherInstanceReadsL2WithoutLoading() throws Throwable {
		cache(settings()).get("k", Product.class, loader(new Product(1, "Kettle")), (value) -> true);
		TieredCache otherInstance = cache(settings());
		assertThat(otherInstance.get("k", Product.class, loader(new Product(1, "Changed")), (value) -> true))
			.isEqualTo(new Product(1, "Kettle"));
		assertThat(this.loads).hasValue(1);
		assertThat(otherInstance.statistics().l2Hits()).isEqualTo(1);
	}

	@Test
	void l1EntriesExpireAfterTheirTtl() throws Throwable {
		TieredCache l1Only = cache(settings().toBuilder().l2Enabled(false).build());
		l1Only.get("k", String.class, loader("v"), (value) -> true);
		this.ticker.advance(L1_TTL.minusSeconds(1));
		l1Only.get("k", String.class, loader("v"), (value) -> true);
		assertThat(this.loads).hasValue(1);
		this.ticker.advance(Duration.ofSeconds(2));
		assertThat(l1Only.getIfPresent("k")).isNull();
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
		TieredCache cache = cache(settings().toBuilder().l2TtlJitter(0.5).build());
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
		ExecutorService threads = TestThreads.pool(50);
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
		ExecutorService threads = TestThreads.pool(2);
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
		assertThat(cache.statistics().loadFailures()).isEqualTo(1);
		assertThat(cache.statistics().loadSuccesses()).isEqualTo(1);
	}

	@Test
	void nullsAreNotCachedUnlessConfigured() throws Throwable {
		TieredCache cache = cache(settings());
		assertThat(cache.get("k", String.class, loader(null), (value) -> true)).isNull();
		assertThat(cache.get("k", String.class, loader(null), (value) -> true)).isNull();
		assertThat(this.loads).hasValue(2);
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();

		TieredCache nulls = cache(settings().toBuilder().name("nullable").cacheNulls(true).build());
		assertThat(nulls.get("k", String.class, loader(null), (value) -> true)).isNull();
		assertThat(cache(nulls.settings()).get("k", String.class, loader("v"), (value) -> true)).isNull();
		assertThat(this.loads).hasValue(3);
	}

	@Test
	void aVetoedResultIsReturnedButNotStored() throws Throwable {
		TieredCache cache = cache(settings());
		assertThat(cache.get("k", String.class, loader("v"), (value) -> false)).isEqualTo("v");
		assertThat(cache.getIfPresent("k")).isNull();
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
		assertThat(cache.statistics().errors(CacheStatistics.ErrorKind.DECODE)).isEqualTo(2);
		assertThat(output.getAll().split("could not be decoded", -1)).hasSize(2);
	}

	@Test
	void aPayloadNamingAForeignClassIsAMiss() throws Throwable {
		TieredCache cache = cache(settings());
		redis.set(cache.redisKey("k"),
				"tg1:[\"java.net.URL\",\"http://evil\"]".getBytes(StandardCharsets.UTF_8));
		Object value = cache.get("k", Product.class, loader(new Product(7, "Real")), (loaded) -> true);
		assertThat(value).isEqualTo(new Product(7, "Real"));
		assertThat(cache.statistics().errors(CacheStatistics.ErrorKind.DECODE)).isEqualTo(1);
	}

	@Test
	void putReplacesAndEvictRemovesInBothTiers() throws Throwable {
		TieredCache cache = cache(settings());
		cache.get("k", String.class, loader("old"), (value) -> true);
		cache.put("k", String.class, "new");
		assertThat(cache.get("k", String.class, loader("unused"), (value) -> true)).isEqualTo("new");
		assertThat(cache(settings()).get("k", String.class, loader("unused"), (value) -> true)).isEqualTo("new");
		cache.evict("k");
		assertThat(cache.getIfPresent("k")).isNull();
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();
	}

	@Test
	void clearRemovesEveryKeyOfTheCacheAndNoOther() throws Throwable {
		TieredCache products = cache(settings());
		TieredCache offers = cache(settings().withName("offers"));
		// A cache named like a pattern ("pro*") that could clear this one cannot exist.
		assertThat(TieredCacheSettings.nameProblem("pro*")).isNotNull();
		for (int i = 0; i < 1200; i++) {
			products.get(i, Integer.class, loader(i), (value) -> true);
		}
		offers.get(1, Integer.class, loader(1), (value) -> true);
		assertThat(redis.scanKeys(this.namespace + ":products:*")).hasSize(1200);
		products.clear();
		assertThat(products.getIfPresent(1)).isNull();
		assertThat(products.get(1, Integer.class, loader(-1), (value) -> true)).as("an earlier generation is a miss")
			.isEqualTo(-1);
		products.evict(1);
		// The keys of the earlier generation are removed in the background, off the caller's thread.
		await().atMost(Duration.ofSeconds(5)).until(() -> redis.scanKeys(this.namespace + ":products:*").isEmpty());
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
				TieredCache cache = TieredCache.builder(settings(), this.namespace)
					.l2(new LettuceL2Store(stoppedRedis))
					.ticker(this.ticker)
					.build();
				assertThat(cache.get("k", String.class, loader("v"), (value) -> true)).isEqualTo("v");
				assertThat(cache.get("k", String.class, loader("v"), (value) -> true)).isEqualTo("v");
				assertThat(this.loads).hasValue(1);
				assertThat(cache.statistics().errors(CacheStatistics.ErrorKind.REDIS)).isPositive();
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

	@Test
	void aStaleValueAnswersForAFailingMethodWithinTheStaleWindow() throws Throwable {
		TieredCache cache = cache(withFreshness(Duration.ofMinutes(10), Duration.ZERO));
		cache.get("k", String.class, loader("old"), (value) -> true);
		assertThat(redis.pttl(cache.redisKey("k"))).isGreaterThan(L2_TTL.toMillis());
		endFreshness(cache, "k", Duration.ofMinutes(5));
		assertThat(cache.get("k", String.class, failing(), (value) -> true)).isEqualTo("old");
		assertThat(cache.statistics().staleServed()).isEqualTo(1);
		assertThat(cache.getIfPresent("k")).as("a stale value is not put back into L1").isNull();
		assertThat(cache.get("k", String.class, loader("new"), (value) -> true)).isEqualTo("new");
		assertThat(redis.pttl(cache.redisKey("k"))).isGreaterThan(L2_TTL.toMillis());
	}

	@Test
	void withoutAStaleWindowAFailingMethodFails() throws Throwable {
		TieredCache cache = cache(settings());
		cache.get("k", String.class, loader("old"), (value) -> true);
		redis.commands().pexpire(cache.redisKey("k"), 1);
		await().atMost(Duration.ofSeconds(2)).until(() -> !redis.exists(cache.redisKey("k")));
		this.ticker.advance(L1_TTL.plusSeconds(1));
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> cache.get("k", String.class, failing(), (value) -> true));
	}

	@Test
	void aReadCloseToExpiryReturnsTheValueAndReloadsItOnceInTheBackground() throws Throwable {
		TieredCache cache = cache(withFreshness(Duration.ZERO, Duration.ofMinutes(10)));
		cache.get("k", String.class, loader("current"), (value) -> true);
		redis.commands().pexpire(cache.redisKey("k"), Duration.ofMinutes(5).toMillis());
		this.ticker.advance(L1_TTL.plusSeconds(1));
		assertThat(cache.get("k", String.class, loader("reloaded"), (value) -> true)).isEqualTo("current");
		await().atMost(Duration.ofSeconds(5)).until(() -> redis.pttl(cache.redisKey("k")) > L2_TTL.toMillis() / 2);
		assertThat(this.loads).hasValue(2);
		assertThat(cache.get("k", String.class, loader("unused"), (value) -> true)).isEqualTo("reloaded");
	}

	@Test
	void withTheLockOnlyOneInstanceLoadsAMissingKey() throws Exception {
		TieredCacheSettings locking = withLock(Duration.ofSeconds(5));
		TieredCache first = cache(locking);
		TieredCache second = cache(locking);
		CountDownLatch firstLoading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger secondLoads = new AtomicInteger();
		ExecutorService threads = TestThreads.pool(2);
		try {
			Future<Object> leader = threads.submit(() -> inThread(first, "k", () -> {
				firstLoading.countDown();
				release.await(10, TimeUnit.SECONDS);
				return "from the first instance";
			}));
			assertThat(firstLoading.await(10, TimeUnit.SECONDS)).isTrue();
			Future<Object> follower = threads.submit(() -> inThread(second, "k", () -> {
				secondLoads.incrementAndGet();
				return "from the second instance";
			}));
			await().atMost(Duration.ofSeconds(2)).until(() -> redis.exists(lockKey(first, "k")));
			release.countDown();
			assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo("from the first instance");
			assertThat(follower.get(10, TimeUnit.SECONDS)).isEqualTo("from the first instance");
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(secondLoads).hasValue(0);
		assertThat(redis.exists(lockKey(first, "k"))).as("the lock is given back").isFalse();
	}

	@Test
	void withTheLockAWaiterTakesTheValueOfAHolderThatFinishedJustBeforeItSawTheLockGone() throws Exception {
		AtomicInteger checks = new AtomicInteger();
		TieredCache[] holder = new TieredCache[1];
		// The holder stores its value and releases the lock between the waiter's read of L2 and
		// its check of the lock: the moment the follower of the two-instance test can hit.
		InMemoryL2Store store = new InMemoryL2Store(this.ticker) {

			@Override
			public boolean exists(String key) {
				// The first check is the waiter's SET NX of the lock, the second its look after a miss.
				if (key.contains(":lock:") && checks.incrementAndGet() == 2) {
					holder[0].put("k", Object.class, "from the holder");
					delete(key);
				}
				return super.exists(key);
			}

		};
		TieredCache waiter = TieredCache.builder(withLock(Duration.ofSeconds(5)), this.namespace)
			.l2(store)
			.ticker(this.ticker)
			.build();
		holder[0] = TieredCache.builder(settings(), this.namespace).l2(store).ticker(this.ticker).build();
		store.set(lockKey(waiter, "k"), "another instance".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
		assertThat(inThread(waiter, "k", loader("loaded here"))).isEqualTo("from the holder");
		assertThat(this.loads).hasValue(0);
	}

	@Test
	void withTheLockAnInstanceStopsWaitingAfterTheLockWait() throws Throwable {
		TieredCacheSettings locking = withLock(Duration.ofMillis(200));
		TieredCache cache = cache(locking);
		redis.set(lockKey(cache, "k"), "another instance".getBytes(StandardCharsets.UTF_8));
		CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
			try {
				return cache.get("k", String.class, loader("loaded here"), (value) -> true);
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		}, TestThreads.perTask());
		// The wait is measured on the cache's ticker: it ends once the ticker passed the lock wait.
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			this.ticker.advance(Duration.ofMillis(50));
			return call.isDone();
		});
		assertThat(call.get()).isEqualTo("loaded here");
		assertThat(this.loads).hasValue(1);
		redis.commands().del(lockKey(cache, "k"));
	}

	@Test
	void aValueLargerThanTheLimitIsReturnedAndKeptInL1ButNotWrittenToRedis(CapturedOutput output) throws Throwable {
		TieredCache cache = cache(settings().toBuilder()
			.lockLease(Duration.ofSeconds(1))
			.lockWait(Duration.ZERO)
			.maxValueBytes(1024)
			.build());
		String large = "x".repeat(2000);
		assertThat(cache.get("big", String.class, loader(large), (value) -> true)).isEqualTo(large);
		assertThat(cache.get("big", String.class, loader(large), (value) -> true)).isEqualTo(large);
		assertThat((String) cache.get("other", String.class, loader(large + "y"), (value) -> true)).hasSize(2001);
		assertThat(this.loads).as("served from L1 the second time").hasValue(2);
		assertThat(redis.exists(cache.redisKey("big"))).isFalse();
		assertThat(cache.get("small", String.class, loader("fits"), (value) -> true)).isEqualTo("fits");
		assertThat(redis.exists(cache.redisKey("small"))).isTrue();
		assertThat(cache.statistics().errors(CacheStatistics.ErrorKind.TOO_LARGE)).isEqualTo(2);
		assertThat(output.getAll().split("larger than the largest written to Redis", -1)).hasSize(2);
	}

	private static String lockKey(TieredCache cache, String key) {
		String redisKey = cache.redisKey(key);
		int cacheEnd = redisKey.indexOf(':', redisKey.indexOf(':') + 1) + 1;
		return redisKey.substring(0, cacheEnd) + "lock:" + redisKey.substring(cacheEnd);
	}

	/** Shortens an entry's remaining TTL so that only the given part of its stale window is left. */
	private void endFreshness(TieredCache cache, String key, Duration staleLeft) {
		redis.commands().pexpire(cache.redisKey(key), staleLeft.toMillis());
		this.ticker.advance(L1_TTL.plusSeconds(1));
	}

	private TieredCacheSettings withFreshness(Duration staleTtl, Duration refreshAhead) {
		return settings().toBuilder().staleTtl(staleTtl).refreshAhead(refreshAhead).build();
	}

	private TieredCacheSettings withLock(Duration lockWait) {
		return settings().toBuilder().lock(true).lockLease(Duration.ofSeconds(10)).lockWait(lockWait).build();
	}

	private TieredCache.Loader failing() {
		return () -> {
			this.loads.incrementAndGet();
			throw new IOException("upstream failed");
		};
	}

	private TieredCacheSettings settings() {
		return TieredCacheSettings.builder("products")
			.l1Ttl(L1_TTL)
			.l1MaxSize(100)
			.l2Ttl(L2_TTL)
			.l2TtlJitter(0)
			.build();
	}

	@Test
	void aCallWhoseRedisReadTimedOutSendsNothingMoreToRedis() throws Throwable {
		try (RedisProcess server = TestRedis.startPrivate()) {
			RedisClient pausedClient = RedisClient.create(server.endpoint().uri());
			try (RedisConnector pausedConnector = new RedisConnector(pausedClient, Duration.ofMillis(100),
					Duration.ofSeconds(1));
					GuardedRedis pausedRedis = new GuardedRedis(pausedConnector,
							new RedisHealthState(Clock.systemUTC()), BreakerSettings.DEFAULTS);
					RedisProbe probe = new RedisProbe(server.endpoint())) {
				TieredCache cache = TieredCache.builder(settings(), this.namespace)
					.l2(new LettuceL2Store(pausedRedis))
					.ticker(this.ticker)
					.refresher(this.refresher)
					.build();
				cache.get("connected", String.class, loader("v"), (value) -> true);
				probe.resetStats();
				server.clientPause(Duration.ofSeconds(1));
				assertThat(cache.get("k", String.class, loader("v"), (value) -> true)).isEqualTo("v");
				// A paused server runs what it was sent once the pause ends: a write sent after
				// the timed-out GET would show in the counts then. The probe waits for the end.
				assertThat(probe.commandCount("get")).isEqualTo(1);
				assertThat(probe.commandCount("psetex") + probe.commandCount("set")).isZero();
				assertThat(cache.statistics().errors(CacheStatistics.ErrorKind.REDIS)).isEqualTo(1);
			}
			finally {
				pausedClient.shutdown();
			}
		}
	}

	private TieredCache cache(TieredCacheSettings settings) {
		return TieredCache.builder(settings, this.namespace)
			.l2(new LettuceL2Store(guarded))
			.ticker(this.ticker)
			.refresher(this.refresher)
			.build();
	}

	private TieredCache.Loader loader(Object value) {
		return () -> {
			this.loads.incrementAndGet();
			return value;
		};
	}

	record Product(long id, String name) {
	}

}
