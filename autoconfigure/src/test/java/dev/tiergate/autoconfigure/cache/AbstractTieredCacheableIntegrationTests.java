package dev.tiergate.autoconfigure.cache;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.tiergate.autoconfigure.cache.Catalog.Offer;
import dev.tiergate.autoconfigure.cache.Catalog.Product;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.ManualTicker;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestThreads;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The annotations end to end: an application that only adds the starter and annotates a
 * service, against a real Redis. A subclass chooses the Redis ({@link #topology()}), is
 * annotated {@code @SpringBootTest(classes = CacheTestApplication.class)} and registers
 * it with {@link #register} from a {@code @DynamicPropertySource} method, so the same
 * behaviour is checked on one server and on a Redis Cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTieredCacheableIntegrationTests {

	private RedisProbe redis;

	@Autowired
	private Catalog catalog;

	@Autowired
	private TieredCaches caches;

	@Autowired
	private ManualTicker ticker;

	@Autowired
	private MeterRegistry meters;

	/**
	 * Returns the Redis the application of this class uses.
	 * @return the topology
	 */
	protected abstract RedisTopology topology();

	/**
	 * Registers the properties of the test application and of its Redis.
	 * @param registry the registry of a {@code @DynamicPropertySource} method
	 * @param topology the Redis
	 */
	static void register(DynamicPropertyRegistry registry, RedisTopology topology) {
		topology.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		for (String property : CacheTestApplication.PROPERTIES) {
			String[] nameAndValue = property.split("=", 2);
			registry.add(nameAndValue[0], () -> nameAndValue[1]);
		}
	}

	@BeforeAll
	void connectProbe() {
		this.redis = topology().probe();
	}

	@AfterAll
	void closeProbe() {
		this.redis.close();
	}

	@BeforeEach
	void startClean() {
		this.caches.all().forEach(TieredCache::clear);
		// A clear moves the generation and leaves the old keys to a background removal: the tests that
		// look at Redis's keys start without them (the generation keys, <prefix>:<cache>, stay).
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.caches.all().stream().noneMatch(TieredCache::isRemovingEarlierGenerations));
		this.redis.scanKeys("catalog-it:*:*").forEach((key) -> this.redis.commands().del(key));
		this.catalog.reset();
	}

	@Test
	void theServiceIsProxiedByTheStarterAlone() {
		assertThat(AopUtils.isAopProxy(this.catalog)).isTrue();
	}

	@Test
	void aSecondCallIsAnL1HitWithoutAnyRedisCommand() {
		Product first = this.catalog.find(1);
		long redisCommands = cacheCommands();
		Product second = this.catalog.find(1);
		assertThat(second).isEqualTo(first);
		assertThat(this.catalog.invocations("find")).isEqualTo(1);
		assertThat(cacheCommands()).isEqualTo(redisCommands);
	}

	@Test
	void anotherInstanceSharingRedisGetsAnL2HitWithoutCallingTheMethod() {
		this.catalog.rename(2, "Kettle");
		Product stored = this.catalog.find(2);
		List<Product> results = this.catalog.search("mug", 20);
		Object offers = this.catalog.offers("eu");
		try (ConfigurableApplicationContext other = CacheTestApplication.startAnotherInstance(topology())) {
			Catalog otherCatalog = other.getBean(Catalog.class);
			assertThat(otherCatalog.find(2)).isEqualTo(stored);
			assertThat(otherCatalog.search("mug", 50)).isEqualTo(results)
				.allSatisfy((product) -> assertThat(product).isInstanceOf(Product.class));
			assertThat(otherCatalog.offers("eu")).isEqualTo(offers)
				.allSatisfy((code, offer) -> assertThat(offer).isInstanceOf(Offer.class));
			assertThat(otherCatalog.invocations("find") + otherCatalog.invocations("search")
					+ otherCatalog.invocations("offers"))
				.isZero();
		}
	}

	@Test
	void anExpiredL1EntryIsServedFromL2() {
		this.catalog.find(3);
		this.ticker.advance(Duration.ofSeconds(31));
		double l2Hits = count("tiergate.cache.gets", "products", "l2", "hit");
		this.catalog.find(3);
		assertThat(this.catalog.invocations("find")).isEqualTo(1);
		assertThat(count("tiergate.cache.gets", "products", "l2", "hit")).isEqualTo(l2Hits + 1);
	}

	@Test
	void redisKeysAreNamespacedAndHaveTheConfiguredTtl() {
		this.catalog.find(4);
		assertThat(this.redis.scanKeys("catalog-it:products:*")).containsExactly("catalog-it:products:4");
		assertThat(this.redis.pttl("catalog-it:products:4")).isBetween(Duration.ofMinutes(59).toMillis(),
				Duration.ofHours(1).toMillis());
		this.catalog.search("kettle", 1);
		assertThat(this.redis.pttl("catalog-it:search:\"kettle\"")).isGreaterThan(Duration.ofHours(40).toMillis());
	}

	@Test
	void putReplacesTheEntryInBothTiersAndEveryInstance() {
		this.catalog.find(5);
		this.catalog.save(new Product(5, "Renamed", BigDecimal.TEN));
		assertThat(this.catalog.find(5).name()).isEqualTo("Renamed");
		assertThat(this.catalog.invocations("find")).isEqualTo(1);
		try (ConfigurableApplicationContext other = CacheTestApplication.startAnotherInstance(topology())) {
			assertThat(other.getBean(Catalog.class).find(5).name()).isEqualTo("Renamed");
		}
	}

	@Test
	void evictRemovesTheEntryAfterASuccessfulInvocationOnly() {
		this.catalog.find(6);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.catalog.failToDelete(6));
		this.catalog.find(6);
		assertThat(this.catalog.invocations("find")).isEqualTo(1);
		this.catalog.delete(6);
		assertThat(this.redis.exists("catalog-it:products:6")).isFalse();
		this.catalog.find(6);
		assertThat(this.catalog.invocations("find")).isEqualTo(2);
	}

	@Test
	void evictBeforeInvocationHappensEvenWhenTheMethodFails() {
		this.catalog.find(7);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.catalog.evictThenFail(7));
		this.catalog.find(7);
		assertThat(this.catalog.invocations("find")).isEqualTo(2);
	}

	@Test
	void evictAllEntriesClearsTheCacheInBothTiers() {
		for (long id = 10; id < 20; id++) {
			this.catalog.find(id);
		}
		this.catalog.search("kept", 1);
		this.catalog.deleteAll();
		// The old keys are misses at once and removed in the background.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.redis.scanKeys("catalog-it:products:*").isEmpty());
		assertThat(this.redis.scanKeys("catalog-it:search:*")).hasSize(1);
		this.catalog.find(10);
		assertThat(this.catalog.invocations("find")).isEqualTo(11);
	}

	@Test
	void oneArgumentWithACommaAndTwoArgumentsAreDifferentKeys() {
		assertThat(this.catalog.label("a, b")).isEqualTo("one:a, b");
		assertThat(this.catalog.label("a", "b")).isEqualTo("two:a|b");
		assertThat(this.catalog.label("a, b")).isEqualTo("one:a, b");
		assertThat(this.catalog.label("a", "b")).isEqualTo("two:a|b");
		assertThat(this.redis.scanKeys("catalog-it:labels:*")).containsExactlyInAnyOrder("catalog-it:labels:\"a, b\"",
				"catalog-it:labels:(\"a\",\"b\")");
		assertThat(this.catalog.invocations("label1") + this.catalog.invocations("label2")).isEqualTo(2);
	}

	@Test
	void aKeyExpressionSelectsTheArgumentsThatMatter() {
		this.catalog.search("lamp", 10);
		this.catalog.search("lamp", 99);
		assertThat(this.catalog.invocations("search")).isEqualTo(1);
		this.catalog.find(8);
		assertThat(this.catalog.findByExpression(8).name()).isEqualTo("Product 8");
		assertThat(this.catalog.invocations("findByExpression")).isZero();
	}

	@Test
	void conditionBypassesTheCacheAndUnlessVetoesStoring() {
		this.catalog.conditional(-1, "bypassed");
		this.catalog.conditional(-1, "bypassed");
		this.catalog.conditional(1, "draft one");
		this.catalog.conditional(1, "draft one");
		assertThat(this.catalog.invocations("conditional")).isEqualTo(4);
		this.catalog.conditional(2, "final");
		this.catalog.conditional(2, "final");
		assertThat(this.catalog.invocations("conditional")).isEqualTo(5);
		assertThat(this.redis.scanKeys("catalog-it:conditional:*")).hasSize(1);
	}

	@Test
	void optionalsAreCachedByContentAndEmptyOnesAreNotCached() {
		assertThat(this.catalog.maybe(1)).get().extracting(Product::name).isEqualTo("Found");
		assertThat(this.catalog.maybe(1)).isPresent();
		assertThat(payload(this.redis.get("catalog-it:optional:1"))).startsWith("tg1:{\"id\":1");
		assertThat(this.catalog.maybe(-1)).isEqualTo(Optional.empty());
		assertThat(this.catalog.maybe(-1)).isEqualTo(Optional.empty());
		assertThat(this.catalog.invocations("maybe")).isEqualTo(3);
	}

	@Test
	void nullsAreNotCachedByDefault() {
		assertThat(this.catalog.nullable("x")).isNull();
		assertThat(this.catalog.nullable("x")).isNull();
		assertThat(this.catalog.invocations("nullable")).isEqualTo(2);
	}

	@Test
	void exceptionsReachTheCallerUnchangedAndAreNotCached() {
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.catalog.failing("x"))
			.withMessage("backend failed for x");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.catalog.failing("x"));
		assertThat(this.catalog.invocations("failing")).isEqualTo(2);
		assertThat(this.redis.scanKeys("catalog-it:failing:*")).isEmpty();
		assertThat(count("tiergate.cache.loads", "failing", null, "failure")).isEqualTo(2);
	}

	@Test
	void fiftyThreadsOnOneMissingKeyInvokeTheMethodOnce() throws Exception {
		CountDownLatch gate = this.catalog.closeGate();
		ExecutorService threads = TestThreads.pool(50);
		try {
			CountDownLatch started = new CountDownLatch(50);
			List<Future<String>> results = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				results.add(threads.submit(() -> {
					started.countDown();
					return this.catalog.gated("hot");
				}));
			}
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			gate.countDown();
			for (Future<String> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("opened hot");
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.catalog.invocations("gated")).isEqualTo(1);
	}

	@Test
	void corruptBytesInRedisAreAMissThatIsOverwrittenAndCounted() {
		this.redis.set("catalog-it:products:21", underCurrentGeneration("products", "tg1:{\"id\":21,\"name\":"));
		double errors = count("tiergate.cache.errors", "products", null, null, "decode");
		assertThat(this.catalog.find(21).name()).isEqualTo("Product 21");
		assertThat(this.catalog.invocations("find")).isEqualTo(1);
		assertThat(payload(this.redis.get("catalog-it:products:21")))
			.startsWith("tg1:{\"id\":21,\"name\":\"Product 21\"");
		assertThat(count("tiergate.cache.errors", "products", null, null, "decode")).isEqualTo(errors + 1);
	}

	@Test
	void aJsonPayloadNamingAForeignClassIsAMiss() {
		this.redis.set("catalog-it:products:22",
				"tg1:[\"java.net.URL\",{\"protocol\":\"http\",\"host\":\"evil\",\"file\":\"/\"}]"
					.getBytes(StandardCharsets.UTF_8));
		Product product = this.catalog.find(22);
		assertThat(product).isInstanceOf(Product.class).extracting(Product::name).isEqualTo("Product 22");
		assertThat(this.catalog.invocations("find")).isEqualTo(1);
	}

	@Test
	void metricsCountEachTierAndCachesCreatedAfterStartup() {
		double l1Hits = count("tiergate.cache.gets", "products", "l1", "hit");
		double l1Misses = count("tiergate.cache.gets", "products", "l1", "miss");
		double l2Misses = count("tiergate.cache.gets", "products", "l2", "miss");
		this.catalog.find(30);
		this.catalog.find(30);
		assertThat(count("tiergate.cache.gets", "products", "l1", "hit")).isEqualTo(l1Hits + 1);
		assertThat(count("tiergate.cache.gets", "products", "l1", "miss")).isEqualTo(l1Misses + 1);
		assertThat(count("tiergate.cache.gets", "products", "l2", "miss")).isEqualTo(l2Misses + 1);
		assertThat(count("tiergate.cache.loads", "products", null, "success")).isPositive();
		this.caches.get("created-later");
		assertThat(this.meters.find("tiergate.cache.gets").tag("cache", "created-later").functionCounters())
			.hasSize(4);
	}

	private double count(String name, String cache, String tier, String result) {
		return count(name, cache, tier, result, null);
	}

	private double count(String name, String cache, String tier, String result, String kind) {
		var search = this.meters.find(name).tag("cache", cache);
		search = (tier != null) ? search.tag("tier", tier) : search;
		search = (result != null) ? search.tag("result", result) : search;
		search = (kind != null) ? search.tag("kind", kind) : search;
		if (name.equals("tiergate.cache.loads")) {
			return search.timers().stream().mapToLong((timer) -> timer.count()).sum();
		}
		return search.functionCounters().stream().mapToDouble((counter) -> counter.count()).sum();
	}

	private long cacheCommands() {
		return this.redis.commandCount("get") + this.redis.commandCount("psetex") + this.redis.commandCount("unlink")
				+ this.redis.commandCount("scan");
	}

	/** Bytes as a writer of the cache's current generation stores them (a header once the cache was cleared). */
	private byte[] underCurrentGeneration(String cache, String payload) {
		byte[] generation = this.redis.get("catalog-it:" + cache);
		String header = (generation != null) ? "\u0000g" + new String(generation, StandardCharsets.US_ASCII) + "\u0000"
				: "";
		return (header + payload).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The codec's bytes of a stored value as text, without the generation header that
	 * values carry once another test of the shared namespace cleared their cache.
	 */
	private static String payload(byte[] stored) {
		String text = new String(stored, StandardCharsets.UTF_8);
		return text.replaceFirst("^\\x00g[0-9]+\\x00", "");
	}

}
