package dev.tiergate.autoconfigure.ratelimit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis is killed under a rate-limited web application: limits go on being enforced by
 * each instance, and no caller sees a server error.
 */
class RateLimitOutageTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void whenRedisDiesLimitsAreEnforcedLocallyWithoutServerErrorsAndDistributedAgainWhenItIsBack()
			throws Exception {
		try (RedisProcess redis = TestRedis.startPrivate();
				ConfigurableApplicationContext context = RateLimitTestApplication.start(redis.endpoint(),
						WebApplicationType.SERVLET, "tiergate.redis.timeout=100ms")) {
			int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			RateLimiters limiters = context.getBean(RateLimiters.class);
			TiergateHealthIndicator health = context.getBean(TiergateHealthIndicator.class);
			assertThat(limiters.isDistributed()).isTrue();
			assertThat(health.health(true).getDetails()).containsEntry("rateLimitMode", "DISTRIBUTED");
			assertThat(get(port)).isEqualTo(200);
			redis.stop();
			List<Integer> statuses = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				statuses.add(get(port));
			}
			assertThat(statuses).containsOnly(200, 429);
			await().atMost(Duration.ofSeconds(2)).until(() -> !limiters.isDistributed());
			assertThat(health.health(true).getDetails()).containsEntry("rateLimitMode", "LOCAL");
			// The local bucket of this client is fresh: two calls ('proxied' holds 2), then 429.
			assertThat(statuses.subList(0, 2)).containsOnly(200);
			assertThat(statuses.subList(2, 10)).containsOnly(429);
			redis.start();
			await().atMost(Duration.ofSeconds(10)).until(limiters::isDistributed);
			assertThat(health.health(true).getDetails()).containsEntry("rateLimitMode", "DISTRIBUTED");
			assertThat(get(port)).isEqualTo(200);
		}
	}

	private int get(int port) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/proxied")).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

}
