package dev.tiergate.demo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.RateLimitStatistics;
import dev.tiergate.ratelimit.RateLimitStatistics.Settlement;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the demo application over HTTP, on the tests' shared Redis.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.backend-delay=20ms", "demo.llm-delay=1ms",
				// The tests are clients behind a proxy on loopback, each test at an address
				// of its own, so that rate-limit buckets in a shared Redis never collide.
				"tiergate.rate-limit.trusted-proxies=127.0.0.1,::1",
				// Generous, so a slow machine never turns an expected L2 write into a timeout.
				"tiergate.redis.timeout=2s" })
class DemoApplicationTests {

	private static final String PRODUCT_KEY = "tiergate-demo:products:1";

	private static final String OTHER_PRODUCT_KEY = "tiergate-demo:products:3";

	private static final String REVIEWS_KEY = "tiergate-demo:reviews:1";

	private static final String OTHER_REVIEWS_KEY = "tiergate-demo:reviews:3";

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> TestRedis.shared().uri());
	}

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private StringRedisTemplate redisTemplate;

	@Autowired
	private TieredCaches caches;

	private RestClient client;

	private DemoClient demo;

	@BeforeEach
	void setUp() {
		this.client = RestClient.builder().baseUrl("http://localhost:" + this.port).build();
		this.demo = new DemoClient(this.port);
		// The shared Redis may outlive this JVM: start without an entry of an earlier run.
		this.redisTemplate.delete(PRODUCT_KEY);
		this.redisTemplate.delete(OTHER_PRODUCT_KEY);
		this.redisTemplate.delete(REVIEWS_KEY);
		this.redisTemplate.delete(OTHER_REVIEWS_KEY);
		this.caches.get("products").clearL1();
		this.caches.get("reviews").clearL1();
	}

	@Test
	void embeddedRedisIsNotStartedWhenRedisIsConfigured() {
		assertThat(this.context.containsBean(EmbeddedRedisLauncher.BEAN_NAME)).isFalse();
	}

	@Test
	void cachesProductsInRedisAndEvictsThemOnUpdate() {
		ResponseEntity<Product> first = get(1);
		assertThat(first.getBody()).isEqualTo(new Product(1, "Espresso machine", new BigDecimal("349.00")));
		long backendCalls = backendCalls(first);
		assertThat(first.getHeaders().getFirst(ProductController.RESPONSE_TIME_HEADER)).isNotBlank();
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			assertThat(redis.scanKeys("tiergate-demo:products:*")).contains(PRODUCT_KEY);
		}
		ResponseEntity<Product> second = get(1);
		assertThat(second.getBody()).isEqualTo(first.getBody());
		assertThat(backendCalls(second)).isEqualTo(backendCalls);
		Product updated = this.client.put()
			.uri("/api/products/{id}", 1)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ProductChanges("Espresso machine Pro", null))
			.retrieve()
			.body(Product.class);
		assertThat(updated).isEqualTo(new Product(1, "Espresso machine Pro", new BigDecimal("349.00")));
		ResponseEntity<Product> afterUpdate = get(1);
		assertThat(afterUpdate.getBody()).isEqualTo(updated);
		assertThat(backendCalls(afterUpdate)).isEqualTo(backendCalls + 1);
	}

	@Test
	void cacheHeaderTellsWhereEachProductCameFrom() {
		ResponseEntity<String> first = this.demo.product(3);
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(DemoClient.cacheSource(first)).isEqualTo("BACKEND");
		assertThat(DemoClient.cacheSource(this.demo.product(3))).isEqualTo("L1");
		// Only this instance forgets the product: Redis and the other instances keep it.
		this.caches.get("products").clearL1();
		ResponseEntity<String> fromRedis = this.demo.product(3);
		assertThat(DemoClient.cacheSource(fromRedis)).isEqualTo("L2");
		assertThat(fromRedis.getBody()).isEqualTo(first.getBody());
		assertThat(backendCalls(fromRedis)).isEqualTo(backendCalls(first));
		assertThat(DemoClient.cacheSource(this.demo.product(3))).isEqualTo("L1");
	}

	@Test
	void reviewsOnSpringsCacheableAreLoadedOnceThenServedByL1AndByRedis() {
		ResponseEntity<String> first = this.demo.get("/api/products/1/reviews");
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(first.getHeaders().getFirst("Cache-Status")).isEqualTo("tiergate; fwd=miss; stored");
		assertThat(first.getBody()).contains("Pulls a fine shot every morning.");
		long backendCalls = backendCalls(first);
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			assertThat(redis.scanKeys("tiergate-demo:reviews:*")).contains(REVIEWS_KEY);
			String stored = new String(redis.get(REVIEWS_KEY), StandardCharsets.UTF_8);
			assertThat(stored).contains("Pulls a fine shot every morning.").doesNotContain(Review.class.getName());
		}
		ResponseEntity<String> second = this.demo.get("/api/products/1/reviews");
		assertThat(DemoClient.cacheSource(second)).isEqualTo("L1");
		assertThat(second.getBody()).isEqualTo(first.getBody());
		assertThat(backendCalls(second)).as("the second call did not reach the slow backend").isEqualTo(backendCalls);
		// Only this instance forgets the reviews: Redis keeps them, as a List<Review>.
		this.caches.get("reviews").clearL1();
		ResponseEntity<String> fromRedis = this.demo.get("/api/products/1/reviews");
		assertThat(DemoClient.cacheSource(fromRedis)).isEqualTo("L2");
		assertThat(fromRedis.getBody()).isEqualTo(first.getBody());
		assertThat(backendCalls(fromRedis)).isEqualTo(backendCalls);
	}

	@Test
	void postingAReviewEvictsTheProductsReviewsFromBothTiers() {
		ResponseEntity<String> before = this.demo.get("/api/products/3/reviews");
		assertThat(before.getBody()).isEqualTo("[]");
		assertThat(DemoClient.cacheSource(this.demo.get("/api/products/3/reviews"))).isEqualTo("L1");
		String author = "Tester " + UUID.randomUUID();
		ResponseEntity<String> posted = this.demo.postJson("/api/products/3/reviews",
				new Review(author, 4, "Holds the milk, does not drip."));
		assertThat(posted.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			assertThat(redis.exists(OTHER_REVIEWS_KEY)).isFalse();
		}
		ResponseEntity<String> after = this.demo.get("/api/products/3/reviews");
		assertThat(DemoClient.cacheSource(after)).isEqualTo("BACKEND");
		assertThat(after.getBody()).contains(author);
		assertThat(backendCalls(after)).isEqualTo(backendCalls(before) + 1);
		assertThat(this.demo.postJson("/api/products/3/reviews", new Review(author, 6, "Too good.")).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void theReviewsCacheIsInTheCachesEndpointAndInBothFamiliesOfMeters() {
		this.demo.get("/api/products/1/reviews");
		this.demo.get("/api/products/1/reviews");
		ResponseEntity<JsonNode> caches = this.demo.getJson("/actuator/caches");
		assertThat(caches.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(caches.getBody().at("/cacheManagers/cacheManager/caches/reviews/target").asString())
			.isEqualTo(TieredCache.class.getName());
		ResponseEntity<JsonNode> springHits = this.demo.getJson("/actuator/metrics/cache.gets?tag=cache:reviews&tag=cache.manager:cacheManager&tag=result:hit");
		assertThat(springHits.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(springHits.getBody().at("/measurements/0/value").asDouble()).isPositive();
		ResponseEntity<JsonNode> l1Hits = this.demo
			.getJson("/actuator/metrics/tiergate.cache.gets?tag=cache:reviews&tag=tier:l1&tag=result:hit");
		assertThat(l1Hits.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(l1Hits.getBody().at("/measurements/0/value").asDouble()).isPositive();
		assertThat(this.demo.getJson("/actuator/tiergate").getBody().at("/caches/reviews/mode").asString())
			.isEqualTo("TIERED");
	}

	@Test
	void catalogHasTenThousandProductsMadeFromTheirIds() {
		ResponseEntity<Product> last = get(ProductCatalog.SIZE);
		assertThat(last.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(last.getBody()).isEqualTo(ProductCatalog.generated(ProductCatalog.SIZE));
		assertThat(last.getBody().name()).endsWith(" " + ProductCatalog.SIZE);
		assertThat(ProductCatalog.generated(4217)).isEqualTo(ProductCatalog.generated(4217));
		assertThat(ProductCatalog.generated(4217).price()).isBetween(new BigDecimal("1.00"), new BigDecimal("500.99"));
	}

	@Test
	void unknownProductsComeFromTheBackendEveryTime() {
		long unknown = ProductCatalog.SIZE + 1;
		ResponseEntity<String> first = this.demo.product(unknown);
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(DemoClient.cacheSource(first)).isEqualTo("BACKEND");
		ResponseEntity<String> second = this.demo.product(unknown);
		assertThat(DemoClient.cacheSource(second)).isEqualTo("BACKEND");
		assertThat(backendCalls(second)).isEqualTo(backendCalls(first) + 1);
	}

	@Test
	void redisSwitchesRefuseToTouchARedisTheDemoDidNotStart() {
		ResponseEntity<JsonNode> status = this.demo.getJson("/demo/redis");
		assertThat(status.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(status.getBody().get("embedded").asBoolean()).isFalse();
		ResponseEntity<JsonNode> stop = this.demo.post("/demo/redis/stop");
		assertThat(stop.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(stop.getBody().get("detail").asString()).contains("did not start this Redis");
		assertThat(this.demo.post("/demo/redis/start").getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			assertThat(redis.ping()).isEqualTo("PONG");
		}
	}

	@Test
	void exposesTheActuatorEndpointsThePageAndTheDashboardRead() {
		this.demo.product(1);
		ResponseEntity<JsonNode> health = this.demo.health();
		assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(health.getBody().at("/components/tiergate/details/cacheMode").asString()).isEqualTo("TIERED");
		ResponseEntity<JsonNode> tiergate = this.demo.getJson("/actuator/tiergate");
		assertThat(tiergate.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(tiergate.getBody().at("/redis/mode").asString()).isEqualTo("IN_USE");
		assertThat(tiergate.getBody().at("/caches/products/mode").asString()).isEqualTo("TIERED");
		assertThat(this.demo.get("/actuator/metrics/tiergate.cache.gets").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(tiergate.getBody().at("/rateLimits/mode").asString()).isEqualTo("DISTRIBUTED");
		assertThat(tiergate.getBody().at("/rateLimits/tiers/chat/limits/0/capacity").asLong()).isEqualTo(5);
		assertThat(health.getBody().at("/components/tiergate/details/rateLimitMode").asString())
			.isEqualTo("DISTRIBUTED");
		assertThat(this.demo.get("/actuator/prometheus").getBody()).contains("tiergate_cache_gets_total")
			.contains("tiergate_ratelimit_checks_total{mode=\"distributed\",result=\"allowed\",tier=\"chat\"}");
		ResponseEntity<String> page = this.demo.get("/");
		assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(page.getBody()).contains("id=\"redis-mode\"");
	}

	@Test
	void chatAdmitsABurstOfFiveThenAnswers429WithProblemDetailsAndHeaders() throws Exception {
		String client = newClientAddress();
		for (int i = 0; i < 5; i++) {
			ResponseEntity<String> answer = this.demo.postAs(client, "/api/chat", new ChatRequest("Why cache?"));
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(answer.getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("5");
			assertThat(answer.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
		}
		ResponseEntity<String> rejected = this.demo.postAs(client, "/api/chat", new ChatRequest("Why cache?"));
		assertThat(rejected.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(rejected.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(rejected.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(Long.parseLong(rejected.getHeaders().getFirst("Retry-After"))).isBetween(1L, 10L);
		JsonNode problem = JsonMapper.builder().build().readTree(rejected.getBody());
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		assertThat(problem.path("tier").asString()).isEqualTo("chat");
		assertThat(this.demo.postAs(newClientAddress(), "/api/chat", new ChatRequest("Why cache?")).getStatusCode())
			.as("another client has a bucket of its own")
			.isEqualTo(HttpStatus.OK);
	}

	@Test
	void aLongerPromptCostsMoreTokensAndAnOverlongOneIsRefused() throws Exception {
		String client = newClientAddress();
		ResponseEntity<String> answer = this.demo.postAs(client, "/api/chat", new ChatRequest("x".repeat(1200)));
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(answer.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("2");
		assertThat(JsonMapper.builder().build().readTree(answer.getBody()).path("cost").asLong()).isEqualTo(3);
		assertThat(this.demo.postAs(client, "/api/chat", new ChatRequest("x".repeat(2001))).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void theLanguageModelsTokenBudgetIsSettledFromTheAnswersUsage() throws Exception {
		RateLimitStatistics budget = this.context.getBean(RateLimiters.class).get("llm-tokens").statistics();
		long refundedBefore = budget.settledTokens(Settlement.REFUNDED);
		ResponseEntity<String> answer = this.demo.postAs(newClientAddress(), "/api/chat",
				new ChatRequest("x".repeat(400)));
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
		JsonNode usage = JsonMapper.builder().build().readTree(answer.getBody()).path("usage");
		assertThat(usage.path("promptTokens").asLong()).isEqualTo(101);
		long total = usage.path("totalTokens").asLong();
		assertThat(total).isEqualTo(101 + usage.path("completionTokens").asLong());
		assertThat(budget.settledTokens(Settlement.REFUNDED) - refundedBefore)
			.as("the estimate (101 + 64) less what the answer used")
			.isEqualTo(101 + 64 - total);
		assertThat(answer.getHeaders().getFirst("X-RateLimit-Limit")).as("the chat tier's headers still")
			.isEqualTo("5");
	}

	@Test
	void contentIsCachedAndACachedAnswerStillTakesAToken() {
		String client = newClientAddress();
		String page = "/api/content/page-" + UUID.randomUUID();
		RateLimitStatistics checks = this.context.getBean(RateLimiters.class).get("content").statistics();
		long allowedBefore = checks.allowed();
		ResponseEntity<String> first = this.demo.getAs(client, page);
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(DemoClient.cacheSource(first)).isEqualTo("BACKEND");
		assertThat(first.getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("100");
		assertThat(first.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("99");
		ResponseEntity<String> second = this.demo.getAs(client, page);
		assertThat(DemoClient.cacheSource(second)).isEqualTo("L1");
		assertThat(second.getBody()).isEqualTo(first.getBody());
		assertThat(second.getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("100");
		assertThat(checks.allowed()).as("the answer from L1 was checked too").isEqualTo(allowedBefore + 2);
		assertThat(this.demo.getAs(client, "/api/content/Not_A_Slug").getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void adminStatsAreLimitedByTheAdminTier() throws Exception {
		ResponseEntity<String> stats = this.demo.getAs(newClientAddress(), "/api/admin/stats");
		assertThat(stats.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(stats.getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("50");
		assertThat(stats.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("49");
		JsonNode body = JsonMapper.builder().build().readTree(stats.getBody());
		assertThat(body.path("productBackendCalls").isNumber()).isTrue();
		assertThat(body.path("chatCalls").isNumber()).isTrue();
	}

	/** A client address of the documentation range, new for each test and run. */
	private static String newClientAddress() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "198.18." + random.nextInt(256) + "." + random.nextInt(1, 255);
	}

	private ResponseEntity<Product> get(long id) {
		return this.client.get().uri("/api/products/{id}", id).retrieve().toEntity(Product.class);
	}

	private static long backendCalls(ResponseEntity<?> response) {
		return Long.parseLong(response.getHeaders().getFirst(ProductController.BACKEND_CALLS_HEADER));
	}

}
