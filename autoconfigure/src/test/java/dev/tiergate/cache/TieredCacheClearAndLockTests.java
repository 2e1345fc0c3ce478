package dev.tiergate.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reproduction K: allEntries eviction. Each test asserts the correct behaviour; a failure
 * demonstrates the bug.
 */
class TieredCacheClearAndLockTests {

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private final String namespace = "repro-" + UUID.randomUUID();

	private static TieredCacheSettings settings(String name) {
		return TieredCacheSettings.builder(name).l1MaxSize(1000).l2TtlJitter(0).build();
	}

	/**
	 * K1: TieredCache.clear() clears L1 (and bumps the invalidation counter) BEFORE the
	 * SCAN/UNLINK of L2 starts. A read of the clearing instance that misses L1 while the
	 * scan has not reached its key reads the old value from L2 with an unchanged counter
	 * and puts it in L1; the scan then deletes it from L2, the other instances clear their
	 * L1 on the "all" message, but the clearing instance ignores its own message and keeps
	 * the old value for l1.ttl. The scan can take seconds (K2), so this is a wide window.
	 */
	@Test
	void aReadDuringAnAllEntriesEvictionMustNotRefillL1WithTheOldValue() throws Throwable {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			RedisClient client = RedisClient.create(redis.endpoint().uri());
			try (RedisConnector connector = new RedisConnector(client, TIMEOUT, Duration.ofMillis(100));
					GuardedRedis guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()),
							BreakerSettings.DEFAULTS)) {
				connector.awaitConnection(Duration.ofSeconds(5));
				CountDownLatch scanStarted = new CountDownLatch(1);
				CountDownLatch readDone = new CountDownLatch(1);
				L2Store slowScan = new TieredCacheRaceTests.Delegating(new LettuceL2Store(guarded)) {
					@Override
					public long advanceGeneration(String key, Duration ttl) {
						scanStarted.countDown(); // a clear under way, not yet answered by Redis
						TieredCacheRaceTests.await(readDone);
						return super.advanceGeneration(key, ttl);
					}
				};
				TieredCache cache = TieredCache.builder(settings("products"), this.namespace).l2(slowScan).build();
				String[] database = { "v1" };
				cache.get(42L, String.class, () -> database[0], (v) -> true);
				cache.clearL1(); // e.g. L1 expired, or never held it on this instance

				database[0] = "v2";
				CompletableFuture<Void> reindex = CompletableFuture.runAsync(cache::clear, TestThreads.perTask()); // @TieredCacheEvict(allEntries = true)
				assertThat(scanStarted.await(5, TimeUnit.SECONDS)).isTrue();
				cache.get(42L, String.class, () -> database[0], (v) -> true); // a request meanwhile
				readDone.countDown();
				reindex.get(5, TimeUnit.SECONDS);
				assertThat(cache.get(42L, String.class, () -> database[0], (v) -> true)).as("after the clear")
					.isEqualTo("v2");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			}
		}
	}

	/**
	 * K2: SCAN MATCH walks the whole keyspace of the database, not the cache's keys: with
	 * 1,000,000 unrelated keys in Redis, clearing a cache of 10 entries takes ~2000 round
	 * trips on the caller's thread (the @TieredCacheEvict method), far above the one
	 * timeout per call the README promises.
	 */
	@Test
	void clearingASmallCacheInABigDatabaseTakesAtMostAFewTimeouts() throws Throwable {
		try (RedisProcess redis = TestRedis.startPrivate(); RedisProbe probe = new RedisProbe(redis.endpoint())) {
			assertThat(redis.send("DEBUG", "POPULATE", "1000000", "unrelated")).isEqualTo("+OK");
			RedisClient client = RedisClient.create(redis.endpoint().uri());
			try (RedisConnector connector = new RedisConnector(client, TIMEOUT, Duration.ofMillis(100));
					GuardedRedis guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()),
							BreakerSettings.DEFAULTS)) {
				connector.awaitConnection(Duration.ofSeconds(5));
				TieredCache cache = TieredCache.builder(settings("products"), this.namespace)
					.l2(new LettuceL2Store(guarded))
					.build();
				for (long i = 0; i < 10; i++) {
					long value = i;
					cache.get(i, Long.class, () -> value, (v) -> true);
				}
				probe.resetStats();
				long start = System.nanoTime();
				cache.clear();
				long millis = (System.nanoTime() - start) / 1_000_000;
				long scans = probe.commandCount("scan");
				System.out.println("allEntries on 1M-key Redis: " + scans + " SCAN round trips, " + millis
						+ " ms on the caller's thread, removed entries left: " + redis.send("EXISTS", cache.redisKey(3L)));
				assertThat(millis).as("time the evicting call blocks").isLessThan(5 * TIMEOUT.toMillis());
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			}
		}
	}

	/**
	 * Lock: when the lock holder's method returns a value that is not stored (null, or
	 * vetoed by unless) or throws, the other instances still poll L2 for the whole lock-wait
	 * (2s) before calling the method themselves.
	 */
	@Test
	void aConcurrentCallOnAnotherInstanceWaitsTheFullLockWaitWhenTheHolderStoresNothing() throws Throwable {
		RedisClient client = RedisClient.create(TestRedis.shared().uri());
		try (RedisConnector connector = new RedisConnector(client, Duration.ofSeconds(1), Duration.ofMillis(100));
				GuardedRedis guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()),
						BreakerSettings.DEFAULTS)) {
			connector.awaitConnection(Duration.ofSeconds(5));
			TieredCacheSettings locked = TieredCacheSettings.builder("locked")
				.l1MaxSize(1000)
				.l2Ttl(Duration.ofHours(1))
				.l2TtlJitter(0)
				.lock(true)
				.lockLease(Duration.ofSeconds(10))
				.lockWait(Duration.ofSeconds(2))
				.build();
			TieredCache instanceA = TieredCache.builder(locked, this.namespace).l2(new LettuceL2Store(guarded)).build();
			CountDownLatch bWaiting = new CountDownLatch(1);
			L2Store seenByB = new TieredCacheRaceTests.Delegating(new LettuceL2Store(guarded)) {
				@Override
				public boolean exists(String key) {
					bWaiting.countDown(); // B polls whether A still holds the lock
					return super.exists(key);
				}
			};
			TieredCache instanceB = TieredCache.builder(locked, this.namespace).l2(seenByB).build();
			CountDownLatch aLoading = new CountDownLatch(1);
			CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> {
				try {
					return instanceA.get(1L, String.class, () -> {
						aLoading.countDown();
						// A's method ends once B is waiting for it.
						assertThat(bWaiting.await(5, TimeUnit.SECONDS)).isTrue();
						return null; // "not found": not cached
					}, (v) -> true);
				}
				catch (Throwable ex) {
					throw new IllegalStateException(ex);
				}
			}, TestThreads.perTask());
			assertThat(aLoading.await(5, TimeUnit.SECONDS)).isTrue();
			long start = System.nanoTime();
			instanceB.get(1L, String.class, () -> null, (v) -> true);
			long millis = (System.nanoTime() - start) / 1_000_000;
			a.get(5, TimeUnit.SECONDS);
			System.out.println("lock wait: B's call took " + millis + " ms, lock-wait 2 s");
			assertThat(millis).isLessThan(1000);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
