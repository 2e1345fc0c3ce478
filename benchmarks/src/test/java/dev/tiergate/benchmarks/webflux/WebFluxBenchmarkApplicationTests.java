package dev.tiergate.benchmarks.webflux;

import java.time.Duration;

import dev.tiergate.benchmarks.RedisCommandCount;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the application of {@code benchmarks/wrk/run-webflux.sh} and calls each endpoint
 * a few times over HTTP, without measuring anything, so that {@code mvn verify} catches a
 * load test that no longer starts, or whose endpoints no longer do what it compares: the
 * cached one runs its method once, the limited one sends one script call to Redis per
 * request.
 */
class WebFluxBenchmarkApplicationTests {

	private static final int CALLS = 20;

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void everyEndpointAnswersTheSameBodyTheCachedOneFromL1AndTheLimitedOnesWithOneScriptCallPerRequest() {
		try (RedisProcess redis = TestRedis.startPrivate();
				ConfigurableApplicationContext context = WebFluxBenchmarkApplication.start("--server.port=0",
						"--logging.level.root=warn", "--spring.data.redis.url=" + redis.endpoint().uri());
				RedisCommandCount count = new RedisCommandCount(redis.endpoint())) {
			WebClient client = WebClient.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
			for (String endpoint : new String[] { "plain", "cached", "limited", "routed" }) {
				for (int i = 0; i < CALLS; i++) {
					assertThat(get(client, "/bench/" + endpoint + "?id=7")).as(endpoint)
						.isEqualTo("{\"id\":7,\"text\":\"answer 7\"}");
				}
			}
			assertThat(context.getBean(WebFluxLoadTestController.class).cachedInvocations()).isEqualTo(1);
			RedisCommandCount.Operations requests = new RedisCommandCount.Operations();
			count.register(requests);
			count.reset();
			for (int i = 0; i < CALLS; i++) {
				get(client, "/bench/limited");
				get(client, "/bench/routed");
				requests.count += 2;
			}
			RedisCommandCount.Result result = count.result((calls) -> calls.of("EVALSHA"));
			assertThat(result.perCommand()).as("one script call per request, by annotation or by route")
				.containsEntry("EVALSHA", 2L * CALLS);
			assertThat(result.rejected()).isZero();
			assertThat(get(client, "/bench/redis-fallbacks")).isEqualTo("0");
		}
	}

	private static String get(WebClient client, String path) {
		return client.get().uri(path).retrieve().bodyToMono(String.class).block(WAIT);
	}

}
