package dev.tiergate.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.redis.RedisUnavailableException;
import dev.tiergate.test.ManualTicker;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import io.lettuce.core.RedisClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests of defects found in review (2026-12-02): races and failure paths of the cache engine, against the real shared Redis.
 * Each test asserts the CORRECT behaviour, so a failure demonstrates the bug.
 */
class TieredCacheRaceTests {

	private static RedisClient client;

	private static RedisConnector connector;

	private static GuardedRedis guarded;

	private static RedisProbe probe;

	private final String namespace = "repro-" + UUID.randomUUID();

	@BeforeAll
	static void connect() {
		client = RedisClient.create(TestRedis.shared().uri());
		connector = new RedisConnector(client, Duration.ofSeconds(2), Duration.ofSeconds(1));
		guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()), BreakerSettings.DEFAULTS);
		probe = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void disconnect() {
		guarded.close();
		connector.close();
		client.shutdown();
		probe.close();
	}

	/** The lock's lease and wait are the defaults (10s and 2s). */
	static TieredCacheSettings settings(boolean lock) {
		return TieredCacheSettings.builder("products").l1MaxSize(1000).l2TtlJitter(0).lock(lock).build();
	}

	private TieredCache cache(L2Store store, boolean lock, CacheInvalidations invalidations) {
		return TieredCache.builder(settings(lock), this.namespace)
			.l2(store)
			.ticker(new ManualTicker())
			.invalidations(invalidations)
			.build();
	}

	/**
	 * A: a local @TieredCacheEvict that runs while another thread of the SAME instance has
	 * read the old value from L2 but not yet put it in L1. invalidationsReceived is only
	 * bumped by other instances' messages (dropFromL1/clearL1), never by a local evict(),
	 * so the racing read puts the evicted value back into L1, where it stays for l1.ttl.
	 */
	@Test
	void aLocalEvictRacingWithAnL2ReadMustNotLeaveTheOldValueInL1() throws Throwable {
		LettuceL2Store real = new LettuceL2Store(guarded);
		CountDownLatch readDone = new CountDownLatch(1);
		CountDownLatch evictDone = new CountDownLatch(1);
		L2Store slowReads = pausingFirstGet(real, readDone, evictDone);
		TieredCache cache = cache(slowReads, false, CacheInvalidations.NONE);
		AtomicReference<String> database = new AtomicReference<>("v1");
		// Another instance filled L2 with v1 earlier.
		cache(real, false, CacheInvalidations.NONE).get(42L, String.class, database::get, (v) -> true);

		CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> get(cache, 42L, database::get), TestThreads.perTask());
		assertThat(readDone.await(5, TimeUnit.SECONDS)).isTrue();
		// The update: write the database, then evict (as @TieredCacheEvict does after the method).
		database.set("v2");
		cache.evict(42L);
		evictDone.countDown();
		assertThat(reader.get(5, TimeUnit.SECONDS)).isEqualTo("v1"); // the racing read itself may see v1

		assertThat(probe.exists(cache.redisKey(42L))).as("L2 was evicted").isFalse();
		assertThat(get(cache, 42L, database::get)).as("a read after the evict returned").isEqualTo("v2");
	}

	/** A': the same with a local put (@TieredCachePut): L2 holds v2, but L1 is left with v1. */
	@Test
	void aLocalPutRacingWithAnL2ReadMustNotLeaveTheOldValueInL1() throws Throwable {
		LettuceL2Store real = new LettuceL2Store(guarded);
		CountDownLatch readDone = new CountDownLatch(1);
		CountDownLatch putDone = new CountDownLatch(1);
		L2Store slowReads = pausingFirstGet(real, readDone, putDone);
		TieredCache cache = cache(slowReads, false, CacheInvalidations.NONE);
		cache(real, false, CacheInvalidations.NONE).get(7L, String.class, () -> "v1", (v) -> true);
		CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> get(cache, 7L, () -> "v1"), TestThreads.perTask());
		assertThat(readDone.await(5, TimeUnit.SECONDS)).isTrue();
		cache.put(7L, String.class, "v2");
		putDone.countDown();
		reader.get(5, TimeUnit.SECONDS);
		assertThat(new JsonL2Codec().decode(probe.get(cache.redisKey(7L)), String.class)).isEqualTo("v2");
		assertThat(get(cache, 7L, () -> "loader-not-expected")).as("L1 after the put returned").isEqualTo("v2");
	}

	/**
	 * One transient Redis failure on the GET of a miss (a single timeout: far below the
	 * breaker's thresholds, so no fallback and no L1 clear on recovery) makes the loaded
	 * value go into L1 with redisKey == null (TieredCache.loadThroughL2 -> invoke(loader,
	 * key, null, ...)), so it never enters l1KeysByRedisKey: other instances'
	 * invalidations of that key can no longer reach it, and it is served stale for the
	 * whole l1.ttl.
	 */
	@Test
	void aValueLoadedAfterOneFailedGetMustStillBeInvalidatedByOtherInstances() throws Throwable {
		LettuceL2Store real = new LettuceL2Store(guarded);
		AtomicInteger gets = new AtomicInteger();
		L2Store oneTimeout = new Delegating(real) {
			@Override
			public byte @Nullable [] get(String key) {
				if (gets.incrementAndGet() == 1) {
					throw new RedisUnavailableException("Redis command failed: RedisCommandTimeoutException", null);
				}
				return super.get(key);
			}
		};
		List<String[]> published = new ArrayList<>();
		TieredCache instanceA = cache(oneTimeout, false, (cacheName, redisKey) -> published.add(new String[] { cacheName, redisKey }));
		AtomicReference<String> database = new AtomicReference<>("v1");
		assertThat(instanceA.get(42L, String.class, database::get, (v) -> true)).isEqualTo("v1");
		// Instance B updates the product and evicts: its UNLINK and PUBLISH reach instance A,
		// whose subscription calls invalidateLocal(redisKey).
		database.set("v2");
		TieredCache instanceB = cache(real, false, CacheInvalidations.NONE);
		instanceB.evict(42L);
		instanceA.invalidateLocal(instanceB.redisKey(42L));
		assertThat(instanceA.get(42L, String.class, database::get, (v) -> true))
			.as("instance A after instance B's invalidation").isEqualTo("v2");
	}

	/**
	 * With lock: true, a failed SET NX (Redis failing) is meant to "load here" (comment in
	 * TieredCache.tryLock), and operations.md promises "If a command of a call fails, the
	 * rest of that call skips Redis". Instead, tryLock's failure returns false, which is
	 * read as "another instance holds the lock": the call sleeps, polls L2 again and then
	 * writes L2, i.e. three Redis commands (three timeouts) after the first failure.
	 */
	@Test
	void afterTheLockCommandFailsTheCallMustNotSendMoreRedisCommands() throws Throwable {
		LettuceL2Store real = new LettuceL2Store(guarded);
		List<String> afterFailure = new ArrayList<>();
		AtomicInteger failed = new AtomicInteger();
		L2Store failingLock = new Delegating(real) {
			@Override
			public byte @Nullable [] get(String key) {
				if (failed.get() > 0) {
					afterFailure.add("GET");
					throw new RedisUnavailableException("timeout", null);
				}
				return super.get(key);
			}

			@Override
			public boolean tryLock(String key, String token, Duration lease) {
				failed.incrementAndGet();
				throw new RedisUnavailableException("Redis command failed: RedisCommandTimeoutException", null);
			}

			@Override
			public void set(String key, byte[] value, Duration ttl) {
				if (failed.get() > 0) {
					afterFailure.add("PSETEX");
					throw new RedisUnavailableException("timeout", null);
				}
				super.set(key, value, ttl);
			}
		};
		TieredCache cache = cache(failingLock, true, CacheInvalidations.NONE);
		long start = System.nanoTime();
		assertThat(cache.get(1L, String.class, () -> "v", (v) -> true)).isEqualTo("v");
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.println("lock path: commands after the failed SET NX = " + afterFailure + ", call took "
				+ millis + " ms (each failing command fails at once)");
		assertThat(afterFailure).as("Redis commands sent after the failed SET NX").isEmpty();
	}

	/**
	 * Set keys are not canonical: Jackson writes a Set in iteration order, and equal sets
	 * iterate differently (LinkedHashSet vs TreeSet here; Set.of(...) even differs from
	 * JVM to JVM, its order being salted per JVM). L1 finds the entry by equals(), L2 by
	 * the encoding: an eviction with an equal set of another order UNLINKs a different Redis
	 * key, and the old value stays in L2 for l2.ttl.
	 */
	@Test
	void anEvictionWithAnEqualSetMustRemoveTheL2Entry() throws Throwable {
		LettuceL2Store real = new LettuceL2Store(guarded);
		TieredCache instanceA = cache(real, false, CacheInvalidations.NONE);
		Set<String> cachedWith = new TreeSet<>(List.of("a", "b"));
		Set<String> evictedWith = new LinkedHashSet<>(List.of("b", "a"));
		assertThat(cachedWith).isEqualTo(evictedWith);
		System.out.println("set keys: " + instanceA.redisKey(cachedWith) + " vs " + instanceA.redisKey(evictedWith));
		AtomicReference<String> database = new AtomicReference<>("v1");
		instanceA.get(cachedWith, String.class, database::get, (v) -> true);
		database.set("v2");
		instanceA.evict(evictedWith);
		TieredCache instanceB = cache(real, false, CacheInvalidations.NONE);
		assertThat(instanceB.get(cachedWith, String.class, database::get, (v) -> true))
			.as("another instance after the eviction").isEqualTo("v2");
	}

	/**
	 * Integer 42 and Long 42 are unequal keys in Java, so they are unequal in L2 too (the
	 * encoding carries the number type): an eviction with one leaves the other's entry
	 * alone in every instance alike, instead of clearing every L1 but the evicting one's.
	 */
	@Test
	void keysOfDifferentNumberTypesAreDifferentEntriesInEveryInstanceAlike() throws Throwable {
		LettuceL2Store real = new LettuceL2Store(guarded);
		TieredCache instanceA = cache(real, false, CacheInvalidations.NONE);
		TieredCache instanceB = cache(real, false, CacheInvalidations.NONE);
		assertThat(instanceA.redisKey(42L)).isNotEqualTo(instanceA.redisKey(Integer.valueOf(42)));
		AtomicReference<String> database = new AtomicReference<>("v1");
		instanceA.get(42L, String.class, database::get, (v) -> true);
		instanceB.get(42L, String.class, database::get, (v) -> true);
		database.set("v2");
		instanceA.evict(Integer.valueOf(42));
		instanceB.invalidateLocal(instanceA.redisKey(Integer.valueOf(42))); // what the pub/sub message does
		assertThat(instanceB.get(42L, String.class, database::get, (v) -> true)).as("other instance").isEqualTo("v1");
		assertThat(instanceA.get(42L, String.class, database::get, (v) -> true)).as("evicting instance")
			.isEqualTo("v1");
		instanceA.evict(42L);
		instanceB.invalidateLocal(instanceA.redisKey(42L));
		assertThat(instanceB.get(42L, String.class, database::get, (v) -> true)).isEqualTo("v2");
		assertThat(instanceA.get(42L, String.class, database::get, (v) -> true)).isEqualTo("v2");
	}

	/** A store whose first GET, once answered, signals {@code readDone} and waits for {@code resume}. */
	private static L2Store pausingFirstGet(L2Store real, CountDownLatch readDone, CountDownLatch resume) {
		AtomicInteger gets = new AtomicInteger();
		return new Delegating(real) {
			@Override
			public byte @Nullable [] get(String key) {
				byte[] bytes = super.get(key);
				if (gets.incrementAndGet() == 1) {
					readDone.countDown();
					await(resume);
				}
				return bytes;
			}
		};
	}

	private static Object get(TieredCache cache, Object key, TieredCache.Loader loader) {
		try {
			return cache.get(key, String.class, loader, (v) -> true);
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Passes everything to a real store. */
	static class Delegating implements L2Store {

		private final L2Store delegate;

		Delegating(L2Store delegate) {
			this.delegate = delegate;
		}

		@Override
		public byte @Nullable [] get(String key) {
			return this.delegate.get(key);
		}

		@Override
		public @Nullable Expiring getWithTtl(String key) {
			return this.delegate.getWithTtl(key);
		}

		@Override
		public void set(String key, byte[] value, Duration ttl) {
			this.delegate.set(key, value, ttl);
		}

		@Override
		public void delete(String key) {
			this.delegate.delete(key);
		}

		@Override
		public boolean tryLock(String key, String token, Duration lease) {
			return this.delegate.tryLock(key, token, lease);
		}

		@Override
		public void unlock(String key, String token) {
			this.delegate.unlock(key, token);
		}

		@Override
		public long deleteByPrefix(String keyPrefix) {
			return this.delegate.deleteByPrefix(keyPrefix);
		}

		@Override
		public long deleteByPrefixExcept(String keyPrefix, byte[] keptValuePrefix) {
			return this.delegate.deleteByPrefixExcept(keyPrefix, keptValuePrefix);
		}

		@Override
		public boolean exists(String key) {
			return this.delegate.exists(key);
		}

		@Override
		public long generation(String key) {
			return this.delegate.generation(key);
		}

		@Override
		public long advanceGeneration(String key, Duration ttl) {
			return this.delegate.advanceGeneration(key, ttl);
		}

	}

}
