package dev.tiergate.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The engine's asynchronous read-through ({@link TieredCache#getAsync}) against a real
 * Redis, without Spring.
 */
class TieredCacheAsyncTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static RedisClient client;

	private static RedisConnector connector;

	private static GuardedRedis guarded;

	private static RedisProbe redis;

	private final String namespace = "engine-async-" + UUID.randomUUID();

	private final AtomicInteger loads = new AtomicInteger();

	@BeforeAll
	static void connect() {
		client = RedisClient.create(TestRedis.shared().uri());
		connector = new RedisConnector(client, Duration.ofSeconds(2), Duration.ofSeconds(1));
		guarded = new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()),
				BreakerSettings.builder().slowCallDurationThreshold(Duration.ofSeconds(2)).build());
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
	void anotherInstanceReadsTheValueFromL2WithoutLoading() {
		TieredCache first = cache();
		assertThat(first.getAsync("k", Product.class, loader(new Product(1, "Kettle")), (value) -> true))
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo(new Product(1, "Kettle"));
		await().until(() -> redis.exists(first.redisKey("k")));
		TieredCache second = cache();
		assertThat(second.getAsync("k", Product.class, loader(new Product(1, "Changed")), (value) -> true))
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo(new Product(1, "Kettle"));
		assertThat(this.loads).hasValue(1);
		assertThat(second.statistics().l2Hits()).isEqualTo(1);
		assertThat(second.getIfPresent("k")).as("the L2 hit filled L1").isNotNull();
	}

	@Test
	void anEvictionRightAfterAnAsynchronousPutIsNotOvertakenByThePutsWrite() {
		// A new cache does not know its generation yet: the put's SET waits for it a round trip.
		List<String> answered = new CopyOnWriteArrayList<>();
		TieredCache cache = TieredCache.builder(settings(), this.namespace)
			.l2(new LettuceL2Store(guarded))
			.invalidations(recording(answered))
			.build();
		cache.putAsync("k", String.class, "old");
		cache.evictAsync("k");
		await().atMost(WAIT).until(() -> answered.size() == 2);
		assertThat(redis.exists(cache.redisKey("k"))).as("the eviction came last").isFalse();
	}

	@Test
	void twoAsynchronousPutsOfAKeyLandInTheOrderTheyWereMade() {
		List<String> answered = new CopyOnWriteArrayList<>();
		TieredCache cache = TieredCache.builder(settings(), this.namespace)
			.l2(new LettuceL2Store(guarded))
			.invalidations(recording(answered))
			.build();
		cache.putAsync("k", String.class, "first");
		cache.putAsync("k", String.class, "second");
		cache.putAsync("k", String.class, "third");
		await().atMost(WAIT).until(() -> answered.size() == 3);
		TieredCache other = cache();
		assertThat(other.getAsync("k", String.class, loader("loaded"), (value) -> true)).succeedsWithin(WAIT)
			.isEqualTo("third");
	}

	@Test
	void aBlockingEvictionAfterAnAsynchronousPutIsNotOvertakenEither() {
		List<String> answered = new CopyOnWriteArrayList<>();
		TieredCache cache = TieredCache.builder(settings(), this.namespace)
			.l2(new LettuceL2Store(guarded))
			.invalidations(recording(answered))
			.build();
		cache.putAsync("k", String.class, "old");
		cache.evict("k");
		await().atMost(WAIT).until(() -> answered.size() == 2);
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();
	}

	/** Records the key of every write and delete that Redis answered, as tiergate announces them. */
	private static CacheInvalidations recording(List<String> answered) {
		return (cacheName, redisKey) -> {
			answered.add(String.valueOf(redisKey));
			return true;
		};
	}

	@Test
	void anL1HitAnswersWithACompletedFutureWithoutRedis() {
		TieredCache cache = cache();
		cache.getAsync("k", String.class, loader("v"), (value) -> true).join();
		long getsBefore = redis.commandCount("get");
		CompletableFuture<Object> hit = cache.getAsync("k", String.class, loader("other"), (value) -> true);
		assertThat(hit).isCompletedWithValue("v");
		assertThat(redis.commandCount("get")).isEqualTo(getsBefore);
		assertThat(cache.statistics().l1Hits()).isEqualTo(1);
	}

	@Test
	void concurrentCallersOfAMissingKeyShareOneLoad() {
		TieredCache cache = cache();
		CompletableFuture<String> load = new CompletableFuture<>();
		CompletableFuture<Object> first = cache.getAsync("k", String.class, pending(load), (value) -> true);
		await().untilAtomic(this.loads, org.hamcrest.Matchers.equalTo(1));
		CompletableFuture<Object> second = cache.getAsync("k", String.class, pending(load), (value) -> true);
		assertThat(first).isNotDone();
		assertThat(second).isNotDone();
		load.complete("v");
		assertThat(first).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("v");
		assertThat(second).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("v");
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void aCallerThatCancelsLeavesTheSharedLoadAndTheOtherCallerAlone() {
		TieredCache cache = cache();
		CompletableFuture<String> load = new CompletableFuture<>();
		CompletableFuture<Object> first = cache.getAsync("k", String.class, pending(load), (value) -> true);
		await().untilAtomic(this.loads, org.hamcrest.Matchers.equalTo(1));
		CompletableFuture<Object> second = cache.getAsync("k", String.class, pending(load), (value) -> true);
		first.cancel(true);
		assertThat(load).isNotCancelled();
		load.complete("v");
		assertThat(second).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("v");
		assertThat(cache.getIfPresent("k")).extracting(CachedValue::get).isEqualTo("v");
		await().until(() -> redis.exists(cache.redisKey("k")));
	}

	@Test
	void anErrorReachesEveryCallerAndIsNotCached() {
		TieredCache cache = cache();
		CompletableFuture<String> load = new CompletableFuture<>();
		CompletableFuture<Object> first = cache.getAsync("k", String.class, pending(load), (value) -> true);
		await().untilAtomic(this.loads, org.hamcrest.Matchers.equalTo(1));
		CompletableFuture<Object> second = cache.getAsync("k", String.class, pending(load), (value) -> true);
		load.completeExceptionally(new IllegalStateException("the service failed"));
		for (CompletableFuture<Object> caller : List.of(first, second)) {
			assertThatExceptionOfType(CompletionException.class).isThrownBy(caller::join)
				.havingCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessage("the service failed");
		}
		assertThat(cache.getAsync("k", String.class, loader("v"), (value) -> true))
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("v");
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void aVetoedValueIsReturnedButNotStored() {
		TieredCache cache = cache();
		assertThat(cache.getAsync("k", String.class, loader("v"), (value) -> false))
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("v");
		assertThat(cache.getIfPresent("k")).isNull();
		assertThat(redis.exists(cache.redisKey("k"))).isFalse();
	}

	@Test
	void aWriteDuringALoadInFlightIsNotOverwrittenByTheLoadedValue() {
		TieredCache cache = cache();
		CompletableFuture<String> load = new CompletableFuture<>();
		CompletableFuture<Object> reader = cache.getAsync("k", String.class, pending(load), (value) -> true);
		await().untilAtomic(this.loads, org.hamcrest.Matchers.equalTo(1));
		cache.put("k", String.class, "new");
		load.complete("old");
		assertThat(reader).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("old");
		assertThat(cache.getIfPresent("k")).extracting(CachedValue::get).isEqualTo("new");
		assertThat(cache().getAsync("k", String.class, loader("loaded"), (value) -> true))
			.as("another instance reads L2")
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("new");
	}

	@Test
	void anEvictionDuringAnL2ReadInFlightKeepsTheOldValueOutOfL1() {
		TieredCache writer = cache();
		writer.put("k", String.class, "old");
		TieredCache reader = cache();
		CompletableFuture<Object> read = reader.getAsync("k", String.class, loader("loaded"), (value) -> true);
		reader.evict("k");
		read.join();
		assertThat(reader.getIfPresent("k")).as("the value read before the eviction stays out of L1").isNull();
	}

	@Test
	void withoutL2TheLoaderAnswersAndL1Keeps() {
		TieredCache l1Only = TieredCache
			.builder(TieredCacheSettings.builder("products").l2Enabled(false).build(), this.namespace)
			.build();
		assertThat(l1Only.getAsync("k", String.class, loader("v"), (value) -> true))
			.succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("v");
		assertThat(l1Only.getAsync("k", String.class, loader("other"), (value) -> true)).isCompletedWithValue("v");
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void findAsyncReadsL2AndFillsL1() {
		cache().put("k", String.class, "v");
		TieredCache other = cache();
		assertThat(other.findAsync("k", String.class)).succeedsWithin(Duration.ofSeconds(5))
			.extracting(CachedValue::get)
			.isEqualTo("v");
		assertThat(other.getIfPresent("k")).isNotNull();
		assertThat(other.findAsync("absent", String.class)).succeedsWithin(Duration.ofSeconds(5)).isNull();
	}

	@Test
	void aStaleValueAnswersForAFailingLoaderWithinTheStaleWindow() {
		TieredCacheSettings settings = settings().toBuilder().staleTtl(Duration.ofMinutes(10)).build();
		TieredCache writer = cache(settings);
		writer.put("k", String.class, "old");
		redis.commands().pexpire(writer.redisKey("k"), Duration.ofMinutes(5).toMillis());
		TieredCache reader = cache(settings);
		assertThat(reader.getAsync("k", String.class,
				() -> CompletableFuture.failedFuture(new IllegalStateException("upstream failed")), (value) -> true))
			.succeedsWithin(WAIT)
			.isEqualTo("old");
		assertThat(reader.statistics().staleServed()).isEqualTo(1);
		assertThat(reader.getIfPresent("k")).as("a stale value is not put back into L1").isNull();
	}

	@Test
	void aReadCloseToExpiryAnswersAndReloadsOnceInTheBackground() {
		ExecutorService refresher = Executors.newSingleThreadExecutor();
		try {
			TieredCacheSettings settings = settings().toBuilder().refreshAhead(Duration.ofMinutes(10)).build();
			TieredCache writer = cache(settings);
			writer.put("k", String.class, "current");
			redis.commands().pexpire(writer.redisKey("k"), Duration.ofMinutes(5).toMillis());
			TieredCache reader = TieredCache.builder(settings, this.namespace)
				.l2(new LettuceL2Store(guarded))
				.refresher(refresher)
				.build();
			assertThat(reader.getAsync("k", String.class, loader("reloaded"), (value) -> true)).succeedsWithin(WAIT)
				.isEqualTo("current");
			await().atMost(WAIT).until(() -> redis.pttl(reader.redisKey("k")) > Duration.ofMinutes(30).toMillis());
			assertThat(this.loads).hasValue(1);
			assertThat(reader.getAsync("k", String.class, loader("unused"), (value) -> true)).isCompletedWithValue("reloaded");
		}
		finally {
			refresher.shutdownNow();
		}
	}

	@Test
	void aReloadAheadNeverRunsOnTheThreadOfTheRedisReplyEvenWithARefresherOnTheCallingThread() {
		TieredCacheSettings settings = settings().toBuilder().refreshAhead(Duration.ofMinutes(10)).build();
		TieredCache writer = cache(settings);
		writer.put("k", String.class, "current");
		redis.commands().pexpire(writer.redisKey("k"), Duration.ofMinutes(5).toMillis());
		ExecutorService io = Executors.newSingleThreadExecutor((task) -> new Thread(task, "redis-io"));
		try {
			TieredCache reader = TieredCache.builder(settings, this.namespace)
				.l2(new RepliesOn(new LettuceL2Store(guarded), io))
				.build();
			Set<String> reloadedOn = ConcurrentHashMap.newKeySet();
			assertThat(reader.getAsync("k", String.class, () -> {
				reloadedOn.add(Thread.currentThread().getName());
				return CompletableFuture.completedFuture("reloaded");
			}, (value) -> true)).succeedsWithin(WAIT).isEqualTo("current");
			await().atMost(WAIT).until(() -> !reloadedOn.isEmpty());
			assertThat(reloadedOn).doesNotContain("redis-io");
		}
		finally {
			io.shutdownNow();
		}
	}

	private TieredCacheSettings settings() {
		return TieredCacheSettings.builder("products")
			.l1Ttl(Duration.ofSeconds(30))
			.l2Ttl(Duration.ofHours(1))
			.l2TtlJitter(0)
			.build();
	}

	private TieredCache cache(TieredCacheSettings settings) {
		return TieredCache.builder(settings, this.namespace).l2(new LettuceL2Store(guarded)).build();
	}

	private TieredCache cache() {
		return cache(settings());
	}

	private Supplier<CompletionStage<?>> loader(Object value) {
		return () -> {
			this.loads.incrementAndGet();
			return CompletableFuture.supplyAsync(() -> value, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
		};
	}

	private Supplier<CompletionStage<?>> pending(CompletableFuture<?> load) {
		return () -> {
			this.loads.incrementAndGet();
			return load;
		};
	}

	/** A store whose asynchronous replies come on a thread of their own, a little later, as Lettuce's do. */
	private static final class RepliesOn implements L2Store {

		private final L2Store store;

		private final Executor io;

		RepliesOn(L2Store store, ExecutorService io) {
			this.store = store;
			this.io = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS, io);
		}

		@Override
		public CompletionStage<@Nullable Expiring> getWithTtlAsync(String key) {
			return this.store.getWithTtlAsync(key).thenApplyAsync((reply) -> reply, this.io);
		}

		@Override
		public CompletionStage<Long> generationAsync(String key) {
			return this.store.generationAsync(key).thenApplyAsync((reply) -> reply, this.io);
		}

		@Override
		public byte @Nullable [] get(String key) {
			return this.store.get(key);
		}

		@Override
		public @Nullable Expiring getWithTtl(String key) {
			return this.store.getWithTtl(key);
		}

		@Override
		public void set(String key, byte[] value, Duration ttl) {
			this.store.set(key, value, ttl);
		}

		@Override
		public void delete(String key) {
			this.store.delete(key);
		}

		@Override
		public boolean exists(String key) {
			return this.store.exists(key);
		}

		@Override
		public long generation(String key) {
			return this.store.generation(key);
		}

		@Override
		public long advanceGeneration(String key, Duration ttl) {
			return this.store.advanceGeneration(key, ttl);
		}

		@Override
		public boolean tryLock(String key, String token, Duration lease) {
			return this.store.tryLock(key, token, lease);
		}

		@Override
		public void unlock(String key, String token) {
			this.store.unlock(key, token);
		}

		@Override
		public long deleteByPrefix(String keyPrefix) {
			return this.store.deleteByPrefix(keyPrefix);
		}

		@Override
		public long deleteByPrefixExcept(String keyPrefix, byte[] keptValuePrefix) {
			return this.store.deleteByPrefixExcept(keyPrefix, keptValuePrefix);
		}

	}

	record Product(long id, String name) {
	}

}
