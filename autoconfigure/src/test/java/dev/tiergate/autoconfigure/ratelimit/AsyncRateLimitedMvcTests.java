package dev.tiergate.autoconfigure.ratelimit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring MVC controllers returning {@code Flux} as server-sent events, {@code Mono} and
 * {@code CompletableFuture}, limited in the shared real Redis: the decision completes on
 * another thread, yet allowed and rejected responses carry the {@code X-RateLimit-*}
 * headers, and a rejection is the 429 problem with {@code Retry-After}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncRateLimitedMvcTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeAll
	void start() {
		RedisTopology redis = RedisTopology.standalone(TestRedis.shared());
		this.context = new SpringApplicationBuilder(RateLimitTestApplication.class, StreamingController.class)
			.web(WebApplicationType.SERVLET)
			.properties(RateLimitTestApplication.PROPERTIES)
			.properties(redis.springPropertyArguments())
			.properties("server.port=0", "spring.application.name=rl-mvc-async-" + UUID.randomUUID())
			.properties(tier("stream"))
			.properties(tier("mono"))
			.properties(tier("future"))
			.run();
		this.port = this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterAll
	void stop() {
		this.context.close();
	}

	@Test
	void aStreamOfServerSentEventsIsLimitedWithHeadersAndA429Problem() throws Exception {
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> allowed = get("/async/stream", "text/event-stream");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("text/event-stream"));
			assertThat(allowed.body()).contains("data:a").contains("data:b");
			assertAllowed(allowed, 1 - i);
		}
		assertRejected(get("/async/stream", "text/event-stream"), "stream");
	}

	@Test
	void aMonoIsLimitedWithHeadersAndA429Problem() throws Exception {
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> allowed = get("/async/mono", "*/*");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.body()).isEqualTo("mono");
			assertAllowed(allowed, 1 - i);
		}
		assertRejected(get("/async/mono", "*/*"), "mono");
	}

	@Test
	void aCompletableFutureIsLimitedWithHeadersAndA429Problem() throws Exception {
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> allowed = get("/async/future", "*/*");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.body()).isEqualTo("future");
			assertAllowed(allowed, 1 - i);
		}
		assertRejected(get("/async/future", "*/*"), "future");
	}

	private static void assertAllowed(HttpResponse<String> allowed, int remaining) {
		assertThat(allowed.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
		assertThat(allowed.headers().firstValue("X-RateLimit-Remaining")).hasValue(String.valueOf(remaining));
		assertThat(allowed.headers().firstValue("Retry-After")).isEmpty();
	}

	private static void assertRejected(HttpResponse<String> rejected, String tier) {
		assertThat(rejected.statusCode()).isEqualTo(429);
		assertThat(rejected.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
		assertThat(rejected.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
		assertThat(rejected.headers().allValues("Retry-After")).containsExactly("3600");
		assertThat(rejected.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = JsonMapper.builder().build().readTree(rejected.body());
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		assertThat(problem.path("tier").asString()).isEqualTo(tier);
		assertThat(problem.path("retryAfter").asInt()).isEqualTo(3600);
	}

	private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Accept", accept)
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String[] tier(String name) {
		String prefix = "tiergate.rate-limit.tiers." + name + ".";
		return new String[] { prefix + "capacity=2", prefix + "refill-tokens=1", prefix + "refill-period=1h" };
	}

	@RestController
	static class StreamingController {

		@RateLimited("stream")
		@GetMapping(path = "/async/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		public Flux<String> stream() {
			return Flux.just("a", "b");
		}

		@RateLimited("mono")
		@GetMapping("/async/mono")
		public Mono<String> mono() {
			return Mono.just("mono");
		}

		@RateLimited("future")
		@GetMapping("/async/future")
		public CompletableFuture<String> future() {
			return CompletableFuture.completedFuture("future");
		}

	}

}
