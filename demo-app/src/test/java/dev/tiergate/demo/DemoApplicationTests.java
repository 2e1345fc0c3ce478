package dev.tiergate.demo;

import java.math.BigDecimal;

import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
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

	private RestClient client;

	@BeforeEach
	void setUp() {
		this.client = RestClient.builder().baseUrl("http://localhost:" + this.port).build();
		// The shared Redis may outlive this JVM: start without an entry of an earlier run.
		this.redisTemplate.delete(PRODUCT_KEY);
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

	private ResponseEntity<Product> get(long id) {
		return this.client.get().uri("/api/products/{id}", id).retrieve().toEntity(Product.class);
	}

	private static long backendCalls(ResponseEntity<?> response) {
		return Long.parseLong(response.getHeaders().getFirst(ProductController.BACKEND_CALLS_HEADER));
	}

}
