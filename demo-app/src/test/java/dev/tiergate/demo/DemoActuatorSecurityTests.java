package dev.tiergate.demo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's {@code tiergate} actuator endpoint and Boot's {@code caches} endpoint over
 * real HTTP, on the tests' shared Redis: reading is open, evicting takes the actuator user's HTTP Basic credentials
 * ({@link DemoSecurityConfiguration}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.backend-delay=20ms", "tiergate.redis.timeout=2s",
				"spring.security.user.password=" + DemoActuatorSecurityTests.PASSWORD })
class DemoActuatorSecurityTests {

	static final String PASSWORD = "S3cret-actuator-pw";

	private static final String USER = "actuator";

	private static final String PRODUCT_KEY = "tiergate-demo:products:2";

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> TestRedis.shared().uri());
	}

	@LocalServerPort
	private int port;

	@Autowired
	private TieredCaches caches;

	private RestClient client;

	@BeforeEach
	void setUp() {
		this.client = RestClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			redis.commands().del(PRODUCT_KEY);
		}
		this.caches.get("products").clearL1();
	}

	@Test
	void evictingACacheWithoutCredentialsIsRefused() {
		cacheProductTwo();
		ResponseEntity<String> response = delete("/actuator/tiergate/products", null);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Basic");
		assertProductTwoIsStillCached();
	}

	@Test
	void evictingACacheWithAWrongPasswordIsRefused() {
		cacheProductTwo();
		assertThat(delete("/actuator/tiergate/products", basic(USER, "not-" + PASSWORD)).getStatusCode())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(delete("/actuator/tiergate/products/2", basic("someone", PASSWORD)).getStatusCode())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertProductTwoIsStillCached();
	}

	@Test
	void theActuatorUserEvictsACacheFromBothTiers() {
		cacheProductTwo();
		ResponseEntity<String> response = delete("/actuator/tiergate/products", basic(USER, PASSWORD));
		assertThat(response.getBody()).isEqualTo("true");
		assertProductTwoIsEvictedFromBothTiers(response);
	}

	@Test
	void theActuatorUserEvictsOneEntry() {
		cacheProductTwo();
		ResponseEntity<String> response = delete("/actuator/tiergate/products/2", basic(USER, PASSWORD));
		assertProductTwoIsEvictedFromBothTiers(response);
	}

	@Test
	void evictingThroughBootsCachesEndpointTakesTheActuatorUserAndClearsBothTiers() {
		cacheProductTwo();
		assertThat(delete("/actuator/caches/products", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(delete("/actuator/caches", basic(USER, "not-" + PASSWORD)).getStatusCode())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertProductTwoIsStillCached();
		ResponseEntity<String> response = delete("/actuator/caches/products", basic(USER, PASSWORD));
		assertProductTwoIsEvictedFromBothTiers(response);
	}

	@Test
	void readingStaysOpenAndCsrfDoesNotBlockThePagesCalls() {
		assertThat(get("/actuator/tiergate").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/tiergate/products").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/caches").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/caches/reviews").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/health").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/prometheus").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/actuator/metrics").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/demo.js").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(get("/demo/redis").getStatusCode()).isEqualTo(HttpStatus.OK);
		// Without a CSRF token: answered by the controller (409, the demo did not start this Redis), not 403.
		assertThat(this.client.post().uri("/demo/redis/stop").retrieve().toEntity(String.class).getStatusCode())
			.isEqualTo(HttpStatus.CONFLICT);
	}

	private void cacheProductTwo() {
		assertThat(productTwo().getStatusCode()).isEqualTo(HttpStatus.OK);
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			assertThat(redis.exists(PRODUCT_KEY)).isTrue();
		}
	}

	private void assertProductTwoIsEvictedFromBothTiers(ResponseEntity<String> eviction) {
		assertThat(eviction.getStatusCode().is2xxSuccessful()).as("status %s", eviction.getStatusCode()).isTrue();
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			assertThat(redis.exists(PRODUCT_KEY)).isFalse();
		}
		assertThat(DemoClient.cacheSource(productTwo())).isEqualTo("BACKEND");
	}

	private void assertProductTwoIsStillCached() {
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			assertThat(redis.exists(PRODUCT_KEY)).isTrue();
		}
		assertThat(DemoClient.cacheSource(productTwo())).isEqualTo("L1");
	}

	private ResponseEntity<String> productTwo() {
		return get("/api/products/2");
	}

	private ResponseEntity<String> get(String path) {
		return this.client.get().uri(path).retrieve().toEntity(String.class);
	}

	private ResponseEntity<String> delete(String path, String authorization) {
		return this.client.delete()
			.uri(path)
			.headers((headers) -> {
				if (authorization != null) {
					headers.set(HttpHeaders.AUTHORIZATION, authorization);
				}
			})
			.retrieve()
			.toEntity(String.class);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}
