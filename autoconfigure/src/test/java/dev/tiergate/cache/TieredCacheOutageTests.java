package dev.tiergate.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.cache.redis.RedisCacheInvalidations;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regression tests of defects found in review (2026-12-02): what evictions do when Redis hangs, against a private real Redis (CLIENT
 * PAUSE), with tiergate's real GuardedRedis (100ms timeout, default breaker). Each test
 * asserts the correct behaviour; a failure demonstrates the bug.
 */
class TieredCacheOutageTests {

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private final String namespace = "repro-" + UUID.randomUUID();

	private static TieredCacheSettings settings(boolean lock) {
		return TieredCacheRaceTests.settings(lock);
	}

	/** One application instance, wired as TieredCacheAutoConfiguration wires it. */
	private final class Instance implements AutoCloseable {

		final RedisClient client;

		final RedisConnector connector;

		final RedisHealthState state = new RedisHealthState(Clock.systemUTC());

		final GuardedRedis guarded;

		final RedisCacheInvalidations invalidations;

		final TieredCaches caches;

		Instance(RedisProcess redis, L2StoreWrapper wrapper) {
			this.client = RedisClient.create(redis.endpoint().uri());
			this.connector = new RedisConnector(this.client, TIMEOUT, Duration.ofMillis(100));
			this.guarded = new GuardedRedis(this.connector, this.state, BreakerSettings.DEFAULTS);
			this.connector.awaitConnection(Duration.ofSeconds(5));
			this.invalidations = new RedisCacheInvalidations(this.guarded, TieredCacheOutageTests.this.namespace);
			L2Store store = wrapper.wrap(new LettuceL2Store(this.guarded));
			this.caches = TieredCaches
				.builder((name) -> settings(name.equals("locked")), TieredCacheOutageTests.this.namespace)
				.l2(store)
				.invalidations(this.invalidations)
				.build();
			this.invalidations.subscribe(this.caches::invalidateLocal);
			this.state.onRecovery(this.caches::clearL1);
			await().atMost(Duration.ofSeconds(5)).until(this.invalidations::isSubscribed);
		}

		Object get(String cache, Object key, TieredCache.Loader loader) throws Throwable {
			return this.caches.get(cache).get(key, String.class, loader, (v) -> true);
		}

		@Override
		public void close() {
			this.caches.close();
			this.invalidations.close();
			this.guarded.close();
			this.connector.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}

	}

	@FunctionalInterface
	interface L2StoreWrapper {

		L2Store wrap(L2Store store);

	}

	/**
	 * B1: Redis hangs for 3s (CLIENT PAUSE ALL, as a failover or a slow command would). The
	 * breaker opens; during that time the application updates a product and evicts it.
	 * TieredCache.evict -> deleteEverywhere catches the breaker's exception and returns:
	 * the UNLINK is never sent, nor queued, nor retried. When Redis answers again, every
	 * instance clears its L1 ... and reloads the evicted value from L2, where it stays for
	 * l2.ttl (48h by default).
	 */
	@Test
	void anEvictionDuringAnOutageMustNotLeaveTheOldValueInL2() throws Throwable {
		try (RedisProcess redis = TestRedis.startPrivate(); Instance instance = new Instance(redis, (s) -> s)) {
			AtomicReference<String> database = new AtomicReference<>("v1");
			assertThat(instance.get("products", 42L, database::get)).isEqualTo("v1");

			redis.clientPause(Duration.ofSeconds(3));
			for (int i = 0; i < 10 && !instance.state.isFallback(); i++) {
				instance.get("products", 1000L + i, () -> "other"); // traffic during the hang
			}
			assertThat(instance.state.isFallback()).as("breaker open").isTrue();
			database.set("v2");
			instance.caches.get("products").evict(42L); // @TieredCacheEvict after the update
			await().atMost(Duration.ofSeconds(15)).until(() -> !instance.state.isFallback());

			String redisKey = instance.caches.get("products").redisKey(42L);
			System.out.println("after recovery: " + redisKey + " PTTL=" + redis.send("PTTL", redisKey));
			assertThat(instance.get("products", 42L, database::get)).as("read after recovery").isEqualTo("v2");
		}
	}

	/**
	 * B2: a single slow UNLINK (one timeout, CLIENT PAUSE 300 WRITE; far below the
	 * breaker's thresholds, so no fallback and no L1 clear anywhere). deleteEverywhere
	 * returns without PUBLISH ("The others will clear their L1 when Redis is back"), but
	 * the breaker never opened, so nobody clears anything: instance B serves the evicted
	 * value from its L1 for the whole l1.ttl.
	 */
	@Test
	void oneTimedOutUnlinkMustNotLeaveTheOtherInstancesL1Stale() throws Throwable {
		try (RedisProcess redis = TestRedis.startPrivate();
				Instance a = new Instance(redis, (s) -> s);
				Instance b = new Instance(redis, (s) -> s)) {
			AtomicReference<String> database = new AtomicReference<>("v1");
			assertThat(a.get("products", 42L, database::get)).isEqualTo("v1");
			assertThat(b.get("products", 42L, database::get)).isEqualTo("v1"); // L2 hit, now in B's L1

			database.set("v2");
			redis.send("CLIENT", "PAUSE", "300", "WRITE");
			a.caches.get("products").evict(42L);
			// The pause ends after 300 ms: the timed-out UNLINK runs late, and the retry of the pending
			// eviction publishes it to B within its backoff.
			await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).untilAsserted(
					() -> assertThat(redis.send("EXISTS", a.caches.get("products").redisKey(42L)))
						.as("the UNLINK ran late").isEqualTo(":0"));
			await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> assertThat(b.get("products", 42L, database::get))
					.as("instance B after A's eviction").isEqualTo("v2"));
			assertThat(a.state.isFallback()).as("A's breaker stayed closed").isFalse();
		}
	}

	/**
	 * C (real Redis): with lock: true, Redis hangs right after the GET of a miss. The call
	 * then waits for SET NX (timeout), sleeps, sends GET again (timeout), calls the method
	 * and sends PSETEX (timeout): three timeouts in one call, where the README promises "at
	 * most one tiergate.redis.timeout per call".
	 */
	@Test
	void aCallWithTheLockMustWaitAtMostOneTimeoutWhenRedisHangs() throws Throwable {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			AtomicInteger gets = new AtomicInteger();
			L2StoreWrapper hangAfterFirstGet = (store) -> new TieredCacheRaceTests.Delegating(store) {
				@Override
				public byte @Nullable [] get(String key) {
					byte[] bytes = super.get(key);
					if (gets.incrementAndGet() == 1) {
						redis.clientPause(Duration.ofSeconds(2));
					}
					return bytes;
				}
			};
			try (Instance instance = new Instance(redis, hangAfterFirstGet)) {
				long start = System.nanoTime();
				assertThat(instance.get("locked", 1L, () -> "v")).isEqualTo("v");
				long millis = (System.nanoTime() - start) / 1_000_000;
				System.out.println("lock path with a hung Redis: one call took " + millis + " ms (timeout 100 ms)");
				assertThat(millis).as("one call's wait with a 100ms timeout").isLessThan(2 * TIMEOUT.toMillis());
			}
		}
	}

}
