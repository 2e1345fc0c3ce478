package dev.tiergate.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

import dev.tiergate.autoconfigure.TiergateNamespace;
import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.redis.InstanceHeartbeat;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code tiergate} endpoint over real HTTP: it shows the caches and evicts from both
 * tiers.
 */
class TiergateEndpointTests {

	private static ConfigurableApplicationContext context;

	private static RedisProbe redis;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		context = CacheTestApplication.start(TestRedis.shared(), WebApplicationType.SERVLET,
				"spring.application.name=endpoint-it", "management.endpoints.web.exposure.include=health,tiergate");
		redis = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void stop() {
		redis.close();
		context.close();
	}

	@Test
	void showsRedisAndEveryCacheWithItsStatistics() throws Exception {
		Catalog catalog = context.getBean(Catalog.class);
		catalog.find(1);
		catalog.find(1);
		JsonNode body = JsonMapper.builder().build().readTree(send("GET", "/actuator/tiergate").body());
		assertThat(body.path("redis").path("mode").asString()).isEqualTo("IN_USE");
		assertThat(body.path("redis").path("circuitBreaker").asString()).isEqualTo("CLOSED");
		JsonNode products = body.path("caches").path("products");
		assertThat(products.path("mode").asString()).isEqualTo("TIERED");
		assertThat(products.path("l1Size").asLong()).isPositive();
		assertThat(products.path("l1Hits").asLong()).isPositive();
		assertThat(products.path("l1HitRatio").asDouble()).isBetween(0.0, 1.0);
		assertThat(products.path("errors").path("decode").isNumber()).isTrue();
		assertThat(products.path("settings").path("l1Ttl").asString()).isEqualTo("PT30S");
	}

	@Test
	void showsWhetherThisInstanceReceivesInvalidations() {
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JsonNode invalidations = JsonMapper.builder()
				.build()
				.readTree(send("GET", "/actuator/tiergate").body())
				.path("redis")
				.path("invalidations");
			assertThat(invalidations.path("state").asString()).isEqualTo("SUBSCRIBED");
			assertThat(invalidations.path("channel").asString()).isEqualTo("endpoint-it:invalidations");
			assertThat(invalidations.path("since").asString()).isNotEmpty();
			assertThat(invalidations.path("error").isMissingNode() || invalidations.path("error").isNull()).isTrue();
		});
	}

	@Test
	void showsTheRateLimitTiersWithTheirLimitsAndCounts() throws Exception {
		TierRateLimiter admin = context.getBean(RateLimiters.class).get("admin");
		long allowedBefore = admin.statistics().allowed();
		admin.check("endpoint-test", 1);
		JsonNode rateLimits = JsonMapper.builder()
			.build()
			.readTree(send("GET", "/actuator/tiergate").body())
			.path("rateLimits");
		assertThat(rateLimits.path("mode").asString()).isEqualTo("DISTRIBUTED");
		assertThat(rateLimits.path("tiers").propertyNames()).containsExactly("admin", "chat", "content");
		JsonNode chat = rateLimits.path("tiers").path("chat");
		assertThat(chat.path("limits").get(0).path("capacity").asLong()).isEqualTo(5);
		assertThat(chat.path("limits").get(0).path("refillPeriod").asString()).isEqualTo("PT10S");
		assertThat(chat.path("onRedisFailure").asString()).isEqualTo("LOCAL");
		assertThat(rateLimits.path("tiers").path("admin").path("allowed").asLong()).isEqualTo(allowedBefore + 1);
	}

	@Test
	void showsTheInstancesSeenAndTheShareOfTheLimitsThisOneEnforcesInAnOutage() {
		String namespace = context.getBean(TiergateNamespace.class).rateLimits();
		try (InstanceHeartbeat other = new InstanceHeartbeat(context.getBean(GuardedRedis.class), namespace,
				Duration.ofSeconds(15), Clock.systemUTC())) {
			other.start(Duration.ofMillis(100));
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				JsonNode rateLimits = JsonMapper.builder()
					.build()
					.readTree(send("GET", "/actuator/tiergate").body())
					.path("rateLimits");
				assertThat(rateLimits.path("instancesSeen").asInt()).isEqualTo(2);
				assertThat(rateLimits.path("outageShare").asDouble()).isEqualTo(0.5);
			});
		}
	}

	@Test
	void evictsOneKeyFromBothTiers() throws Exception {
		context.getBean(Catalog.class).find(2);
		TieredCache products = context.getBean(TieredCaches.class).get("products");
		assertThat(redis.exists("endpoint-it:products:2")).isTrue();
		HttpResponse<String> response = send("DELETE", "/actuator/tiergate/products/2");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(redis.exists("endpoint-it:products:2")).isFalse();
		assertThat(products.getIfPresent(2L)).isNull();
	}

	@Test
	void clearsAWholeCache() throws Exception {
		context.getBean(Catalog.class).search("lamp", 1);
		assertThat(redis.scanKeys("endpoint-it:search:*")).isNotEmpty();
		assertThat(send("DELETE", "/actuator/tiergate/search").statusCode()).isEqualTo(200);
		// The clear moves the generation at once and removes the old keys in the background.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(redis.scanKeys("endpoint-it:search:*")).isEmpty());
		assertThat(context.getBean(TieredCaches.class).get("search").l1Size()).isZero();
	}

	@Test
	void anUnknownCacheIsNotFound() throws Exception {
		assertThat(send("GET", "/actuator/tiergate/nothing-here").statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
