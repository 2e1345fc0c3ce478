package dev.tiergate.autoconfigure.cache.spring;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.autoconfigure.cache.spring.Reviews.Review;
import dev.tiergate.autoconfigure.cache.spring.Reviews.Summary;
import dev.tiergate.autoconfigure.cache.spring.SpringCacheTestApplication.RecordingErrorHandler;
import dev.tiergate.cache.ArgumentsKey;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.spring.TieredCacheManager;
import dev.tiergate.cache.spring.TieredSpringCache;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Spring's cache annotations on tiergate's {@code CacheManager}, end to end: two
 * instances of an application that only switched {@code tiergate.cache.spring.enabled}
 * on share a Redis of their own.
 */
class SpringCacheableIntegrationTests {

	private static RedisProcess redis;

	private static RedisProbe probe;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startTwoInstances() {
		redis = TestRedis.startPrivate();
		probe = new RedisProbe(redis.endpoint());
		first = SpringCacheTestApplication.start(RedisTopology.standalone(redis.endpoint()));
		second = SpringCacheTestApplication.start(RedisTopology.standalone(redis.endpoint()));
	}

	@AfterAll
	static void stopThem() {
		second.close();
		first.close();
		probe.close();
		redis.close();
	}

	@BeforeEach
	void startClean() {
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !guarded(first).state().isFallback() && !guarded(second).state().isFallback());
		caches(first).all().forEach(TieredCache::clear);
		caches(second).clearL1();
		reviews(first).reset();
		reviews(second).reset();
		first.getBean("priceInvocations", AtomicInteger.class).set(0);
		errors(first).errors.clear();
	}

	@Test
	void theApplicationsCacheManagerIsTiergates() {
		assertThat(first.getBeansOfType(CacheManager.class)).hasSize(1)
			.allSatisfy((name, manager) -> assertThat(manager).isInstanceOf(TieredCacheManager.class));
		assertThat(first.getBean(CacheManager.class).getCache("reviews")).isInstanceOf(TieredSpringCache.class)
			.satisfies((cache) -> assertThat(cache.getNativeCache()).isSameAs(caches(first).get("reviews")));
	}

	@Test
	void aSecondCallIsAnL1HitWithoutRedis() {
		List<Review> stored = reviews(first).forProduct(1);
		probe.resetStats();
		assertThat(reviews(first).forProduct(1)).isEqualTo(stored);
		assertThat(reviews(first).invocations("forProduct")).isEqualTo(1);
		assertThat(probe.commandCount("get")).isZero();
	}

	@Test
	void afterL1IsClearedAnL2HitReturnsTheDeclaredGenericType() {
		List<Review> stored = reviews(first).forProduct(2);
		caches(first).clearL1();
		assertThat(reviews(first).forProduct(2)).isEqualTo(stored)
			.allSatisfy((review) -> assertThat(review).isInstanceOf(Review.class));
		assertThat(reviews(second).forProduct(2)).isEqualTo(stored)
			.allSatisfy((review) -> assertThat(review).isInstanceOf(Review.class));
		assertThat(reviews(first).invocations("forProduct") + reviews(second).invocations("forProduct")).isOne();
		assertThat(probe.exists("reviews-it:reviews:2")).isTrue();
	}

	@Test
	void bothAnnotationFamiliesShareOneCache() {
		List<Review> stored = reviews(first).forProduct(3);
		assertThat(reviews(first).forProductTiered(3)).isEqualTo(stored);
		assertThat(reviews(second).forProductTiered(3)).isEqualTo(stored);
		assertThat(reviews(first).invocations("forProductTiered") + reviews(second).invocations("forProductTiered"))
			.isZero();
	}

	@Test
	void aConditionThatFailsSkipsTheCacheAndUnlessVetoesStoring() {
		reviews(first).rating(0);
		reviews(first).rating(0);
		reviews(first).rating(99);
		reviews(first).rating(99);
		reviews(first).rating(7);
		reviews(first).rating(7);
		assertThat(reviews(first).invocations("rating")).isEqualTo(5);
		assertThat(probe.exists("reviews-it:ratings:99")).isFalse();
		assertThat(probe.exists("reviews-it:ratings:7")).isTrue();
	}

	@Test
	void concurrentSyncCallsInvokeTheMethodOnce() throws Exception {
		List<Future<Summary>> results = callConcurrently("summary", (reviews) -> reviews.summary(5));
		for (Future<Summary> result : results) {
			assertThat(result.get().productId()).isEqualTo(5);
		}
		assertThat(reviews(first).invocations("summary")).isOne();
	}

	@Test
	void concurrentMissesWithoutSyncInvokeTheMethodOnce() throws Exception {
		List<Future<Summary>> results = callConcurrently("slowSummary", (reviews) -> reviews.slowSummary(16));
		for (Future<Summary> result : results) {
			assertThat(result.get().productId()).isEqualTo(16);
		}
		assertThat(reviews(first).invocations("slowSummary")).isOne();
	}

	@Test
	void whenTheFirstMissFailsTheWaitingCallersInvokeTheMethodThemselves() throws Exception {
		List<Future<Summary>> results = callConcurrently("slowSummary", (reviews) -> reviews.slowSummary(-17));
		int failures = 0;
		for (Future<Summary> result : results) {
			try {
				assertThat(result.get().productId()).isEqualTo(-17);
			}
			catch (ExecutionException ex) {
				assertThat(ex).hasRootCauseMessage("the first call fails");
				failures++;
			}
		}
		assertThat(failures).isOne();
		assertThat(reviews(first).invocations("slowSummary")).isBetween(2, 4);
	}

	/** Calls a method from four threads at once, its first invocation held until all have called. */
	private List<Future<Summary>> callConcurrently(String method, Call call) throws Exception {
		CountDownLatch gate = new CountDownLatch(1);
		reviews(first).holdSummaries(gate);
		ExecutorService callers = TestThreads.pool(4);
		try {
			List<Future<Summary>> results = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				results.add(callers.submit(() -> call.on(reviews(first))));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> reviews(first).invocations(method) == 1);
			gate.countDown();
			for (Future<Summary> result : results) {
				try {
					result.get(5, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					// Asserted by the caller.
				}
			}
			return results;
		}
		finally {
			callers.shutdownNow();
		}
	}

	@FunctionalInterface
	private interface Call {

		Summary on(Reviews reviews) throws Exception;

	}

	@Test
	void aCachePutInOneInstanceReplacesTheOthersL1Entry() {
		reviews(second).forProduct(4);
		reviews(first).replace(4, "Replaced");
		await().atMost(Duration.ofSeconds(1)).until(() -> caches(second).get("reviews").getIfPresent(4L) == null);
		assertThat(reviews(second).forProduct(4)).extracting(Review::text).containsExactly("Replaced");
		assertThat(reviews(second).invocations("forProduct")).isOne();
	}

	@Test
	void anEvictionBeforeInvocationHappensEvenWhenTheMethodFails() {
		reviews(first).forProduct(6);
		reviews(second).forProduct(6);
		assertThatIllegalStateException().isThrownBy(() -> reviews(first).forgetThenFail(6));
		await().atMost(Duration.ofSeconds(1)).until(() -> caches(second).get("reviews").getIfPresent(6L) == null);
		reviews(first).forProduct(6);
		assertThat(reviews(first).invocations("forProduct")).isEqualTo(2);
		assertThatIllegalStateException().isThrownBy(() -> reviews(first).failThenForget(6));
		reviews(first).forProduct(6);
		assertThat(reviews(first).invocations("forProduct")).isEqualTo(2);
	}

	@Test
	void cachingGroupsEvictionsOfSeveralCaches() throws InterruptedException {
		reviews(first).forProduct(8);
		reviews(first).summary(8);
		reviews(first).forget(8);
		reviews(first).forProduct(8);
		reviews(first).summary(8);
		assertThat(reviews(first).invocations("forProduct")).isEqualTo(2);
		assertThat(reviews(first).invocations("summary")).isEqualTo(2);
	}

	@Test
	void aNamedKeyGeneratorMakesTheKey() {
		reviews(first).byAuthor("ann", 2);
		reviews(first).byAuthor("ann", 2);
		assertThat(reviews(first).invocations("byAuthor")).isOne();
		assertThat(probe.exists("reviews-it:byAuthor:\"ann/2\"")).isTrue();
	}

	@Test
	void theDefaultKeyOfSeveralArgumentsReachesL2() {
		List<Review> stored = reviews(first).page(1, 2);
		assertThat(reviews(second).page(1, 2)).isEqualTo(stored);
		assertThat(reviews(second).invocations("page")).isZero();
		String redisKey = caches(first).get("pages").redisKey(ArgumentsKey.of(new Object[] { 1L, 2 }));
		assertThat(probe.exists(redisKey)).isTrue();
	}

	@Test
	void optionalsAreStoredUnwrappedAndComeBackWrapped() {
		Optional<Review> present = reviews(first).latest(5);
		assertThat(reviews(second).latest(5)).isEqualTo(present).get().isInstanceOf(Review.class);
		assertThat(reviews(first).latest(0)).isEmpty();
		assertThat(reviews(second).latest(0)).isEmpty();
		assertThat(reviews(first).invocations("latest") + reviews(second).invocations("latest")).isEqualTo(2);
	}

	@Test
	void nullResultsAreCachedAsSpringsManagersCacheThem() {
		assertThat(reviews(first).missing(1)).isNull();
		assertThat(reviews(second).missing(1)).isNull();
		assertThat(reviews(first).invocations("missing") + reviews(second).invocations("missing")).isOne();
		assertThat(((TieredSpringCache) first.getBean(CacheManager.class).getCache("missing")).isAllowNullValues())
			.isTrue();
	}

	@Test
	void completableFuturesAreStoredAsTheirValues() {
		Summary stored = reviews(first).summaryLater(1).join();
		assertThat(reviews(first).summaryLater(1).join()).isEqualTo(stored);
		// An asynchronous result is written to L2 without the caller waiting for Redis: the other
		// instance finds it once the write is there.
		awaitInL2("futures", 1L);
		assertThat(reviews(second).summaryLater(1).join()).isEqualTo(stored);
		Summary synced = reviews(first).summaryLaterSync(1).join();
		awaitInL2("futures", "sync:1");
		assertThat(reviews(second).summaryLaterSync(1).join()).isEqualTo(synced);
		assertThat(reviews(first).invocations("summaryLater") + reviews(second).invocations("summaryLater")).isOne();
		assertThat(reviews(first).invocations("summaryLaterSync") + reviews(second).invocations("summaryLaterSync"))
			.isOne();
	}

	@Test
	void aFutureMethodMissedInL2RunsOffRedisIoThreads() {
		// Spring invokes the method, and stores its value, on the thread that completes the lookup.
		assertThat(reviews(first).summaryLater(5).join()).isNotNull();
		assertThat(reviews(first).lastInvokedOn()).isNotNull()
			.isNotInstanceOf(io.netty.util.concurrent.FastThreadLocalThread.class);
	}

	@Test
	void monosAndFluxesAreStoredAsTheirElements() {
		Summary stored = reviews(first).summaryMono(1).block();
		List<Review> elements = reviews(first).reviewsFlux(1).collectList().block();
		awaitInL2("monos", 1L);
		awaitInL2("fluxes", 1L);
		assertThat(reviews(second).summaryMono(1).block()).isEqualTo(stored);
		assertThat(reviews(second).reviewsFlux(1).collectList().block()).isEqualTo(elements)
			.allSatisfy((review) -> assertThat(review).isInstanceOf(Review.class));
		assertThat(reviews(first).invocations("summaryMono") + reviews(second).invocations("summaryMono")).isOne();
		assertThat(reviews(first).invocations("reviewsFlux") + reviews(second).invocations("reviewsFlux")).isOne();
		assertThat(new String(probe.get("reviews-it:fluxes:1"), StandardCharsets.UTF_8)).contains("[{\"productId\":1,");
	}

	@Test
	void aClassLevelAnnotationCachesEveryMethod() {
		Prices prices = first.getBean(Prices.class);
		assertThat(prices.price("abc")).isEqualTo(prices.price("abc"));
		assertThat(prices.discount("xyz")).isEqualTo(prices.discount("xyz"));
		assertThat(first.getBean("priceInvocations", AtomicInteger.class)).hasValue(2);
	}

	@Test
	void theCachesEndpointListsAndClearsTheTieredCachesInEveryInstance() {
		reviews(first).forProduct(9);
		reviews(second).forProduct(9);
		CachesEndpoint endpoint = new CachesEndpoint(Map.of("cacheManager", first.getBean(CacheManager.class)));
		assertThat(endpoint.caches().getCacheManagers().get("cacheManager").getCaches()).containsKeys("reviews");
		assertThat(endpoint.clearCache("reviews", null)).isTrue();
		await().atMost(Duration.ofSeconds(1)).until(() -> caches(second).get("reviews").l1Size() == 0);
		reviews(second).forProduct(9);
		assertThat(reviews(second).invocations("forProduct")).isOne();
	}

	@Test
	void bootsCacheMetersCountTheCallsOfConfiguredAndLaterCaches() {
		MeterRegistry meters = first.getBean(MeterRegistry.class);
		// Boot's meters of the Spring cache (manager "cacheManager"), beside those of its L1 (manager "tiergate").
		double hits = meters.get("cache.gets").tag("cache", "reviews").tag("cache.manager", "cacheManager").tag("result", "hit").functionCounter().count();
		reviews(first).forProduct(11);
		reviews(first).forProduct(11);
		reviews(first).rating(1011); // an id no other test reads: a miss, so a put
		assertThat(meters.get("cache.gets").tag("cache", "reviews").tag("cache.manager", "cacheManager").tag("result", "hit").functionCounter().count())
			.isEqualTo(hits + 1);
		assertThat(meters.get("cache.puts").tag("cache", "ratings").tag("cache.manager", "cacheManager").functionCounter().count()).isPositive();
		assertThat(meters.get("tiergate.cache.gets").tag("cache", "reviews").tag("tier", "l1").meters()).isNotEmpty();
	}

	@Test
	void redisErrorsAreAbsorbedAndNeverReachTheErrorHandler() {
		reviews(first).forProduct(12);
		redis.stop();
		try {
			await().atMost(Duration.ofSeconds(3)).until(() -> guarded(first).state().isFallback());
			assertThat(reviews(first).forProduct(12)).hasSize(2);
			assertThat(reviews(first).forProduct(13)).hasSize(2);
			reviews(first).replace(14, "During the outage");
			assertThat(reviews(first).invocations("forProduct")).isEqualTo(2);
		}
		finally {
			redis.start();
		}
		assertThat(errors(first).errors).isEmpty();
	}

	@Test
	void anUntypedLookUpAnswersFromL1OnlyAndATypedOneReadsL2() throws InterruptedException {
		Summary stored = reviews(first).summary(15);
		TieredSpringCache cache = (TieredSpringCache) second.getBean(CacheManager.class).getCache("summaries");
		assertThat(cache.get(15L)).isNull();
		assertThat(cache.get(15L, Summary.class)).isEqualTo(stored);
		assertThat(cache.get(15L)).isNotNull();
		assertThatIllegalStateException().isThrownBy(() -> cache.get(15L, String.class));
	}

	private static Reviews reviews(ConfigurableApplicationContext context) {
		return context.getBean(Reviews.class);
	}

	private static TieredCaches caches(ConfigurableApplicationContext context) {
		return context.getBean(TieredCaches.class);
	}

	private static GuardedRedis guarded(ConfigurableApplicationContext context) {
		return context.getBean(GuardedRedis.class);
	}

	private static RecordingErrorHandler errors(ConfigurableApplicationContext context) {
		return context.getBean(RecordingErrorHandler.class);
	}

	private static void awaitInL2(String cache, Object key) {
		String redisKey = caches(first).get(cache).redisKey(key);
		await().atMost(Duration.ofSeconds(5)).until(() -> probe.exists(redisKey));
	}

}
