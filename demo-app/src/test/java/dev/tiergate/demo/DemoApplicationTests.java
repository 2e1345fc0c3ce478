package dev.tiergate.demo;

import java.math.BigDecimal;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

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
		properties = { "demo.backend-delay=20ms",
				// Generous, so a slow machine never turns an expected L2 write into a timeout.
				"tiergate.redis.timeout=2s" })
class DemoApplicationTests {

	private static final String PRODUCT_KEY = "tiergate-demo:products:1";

	private static final String OTHER_PRODUCT_KEY = "tiergate-demo:products:3";

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
		this.caches.get("products").clearL1();
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
	void unknownProductsComeFromTheBackendEveryTime() {
		ResponseEntity<String> first = this.demo.product(404);
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(DemoClient.cacheSource(first)).isEqualTo("BACKEND");
		ResponseEntity<String> second = this.demo.product(404);
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
		assertThat(this.demo.get("/actuator/prometheus").getBody()).contains("tiergate_cache_gets_total");
		ResponseEntity<String> page = this.demo.get("/");
		assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(page.getBody()).contains("id=\"redis-mode\"");
	}

	private ResponseEntity<Product> get(long id) {
		return this.client.get().uri("/api/products/{id}", id).retrieve().toEntity(Product.class);
	}

	private static long backendCalls(ResponseEntity<?> response) {
		return Long.parseLong(response.getHeaders().getFirst(ProductController.BACKEND_CALLS_HEADER));
	}

}
