package dev.tiergate.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
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

/**
 * Live changes of a rate-limit tier through the {@code tiergate} endpoint over real HTTP:
 * a POST changes the tier, a bad body is a 400 saying what is wrong, a DELETE reverts.
 */
class TiergateEndpointRateLimitChangeTests {

	private static ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@BeforeAll
	static void start() {
		context = CacheTestApplication.start(TestRedis.shared(), WebApplicationType.SERVLET,
				"spring.application.name=endpoint-rl-" + UUID.randomUUID(),
				"management.endpoints.web.exposure.include=tiergate");
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void aPostChangesTheTierAndADeleteRevertsIt() throws Exception {
		TierRateLimiter content = context.getBean(RateLimiters.class).get("content");
		HttpResponse<String> changed = send("POST", "/actuator/tiergate/ratelimits/content",
				"{\"capacity\": 30, \"refillTokens\": 3, \"refillPeriod\": \"10s\"}");
		assertThat(changed.statusCode()).isEqualTo(200);
		JsonNode tier = this.json.readTree(changed.body());
		assertThat(tier.path("changed").asBoolean()).isTrue();
		assertThat(tier.path("limits").get(0).path("capacity").asLong()).isEqualTo(30);
		assertThat(tier.path("limits").get(0).path("refillPeriod").asString()).isEqualTo("PT10S");
		assertThat(content.check("endpoint-test", 1).capacity()).isEqualTo(30);
		JsonNode shown = this.json.readTree(send("GET", "/actuator/tiergate", null).body())
			.path("rateLimits")
			.path("tiers")
			.path("content");
		assertThat(shown.path("changed").asBoolean()).isTrue();
		assertThat(send("DELETE", "/actuator/tiergate/ratelimits/content", null).statusCode()).isEqualTo(200);
		assertThat(content.isChanged()).isFalse();
		assertThat(content.check("endpoint-test", 1).capacity()).isEqualTo(100);
	}

	@Test
	void anInvalidBodyIsA400ThatSaysWhatIsWrongAndChangesNothing() throws Exception {
		TierRateLimiter admin = context.getBean(RateLimiters.class).get("admin");
		HttpResponse<String> zero = send("POST", "/actuator/tiergate/ratelimits/admin",
				"{\"capacity\": 0, \"refillTokens\": 1, \"refillPeriod\": \"1s\"}");
		assertThat(zero.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(zero.body()).path("detail").asString()).contains("capacity must be positive");
		HttpResponse<String> period = send("POST", "/actuator/tiergate/ratelimits/admin",
				"{\"capacity\": 5, \"refillTokens\": 1, \"refillPeriod\": \"soon\"}");
		assertThat(period.statusCode()).isEqualTo(400);
		assertThat(this.json.readTree(period.body()).path("detail").asString()).contains("soon");
		HttpResponse<String> missing = send("POST", "/actuator/tiergate/ratelimits/admin", "{\"capacity\": 5}");
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(admin.isChanged()).isFalse();
	}

	@Test
	void anUnknownTierIsNotFound() throws Exception {
		assertThat(send("POST", "/actuator/tiergate/ratelimits/nothing",
				"{\"capacity\": 5, \"refillTokens\": 1, \"refillPeriod\": \"1s\"}")
			.statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
