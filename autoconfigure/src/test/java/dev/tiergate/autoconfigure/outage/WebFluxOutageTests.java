package dev.tiergate.autoconfigure.outage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebFlux application on Reactor Netty whose Redis is frozen ({@code kill -STOP}) and
 * then killed: limited and cached {@code Mono} and {@code Flux} endpoints, a token budget
 * and a concurrency limit keep answering 200 with their headers, no request fails, none
 * waits much beyond one Redis timeout, and health shows the fallback.
 */
class WebFluxOutageTests {

	private static final Log logger = LogFactory.getLog(WebFluxOutageTests.class);

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private RedisProcess redis;

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeEach
	void start() {
		this.redis = TestRedis.startPrivate();
		this.context = new SpringApplicationBuilder(OutageApplication.class).web(WebApplicationType.REACTIVE)
			.properties(RedisTopology.standalone(this.redis.endpoint()).springPropertyArguments())
			.properties("server.port=0", "spring.application.name=webflux-outage-" + UUID.randomUUID(),
					"tiergate.redis.timeout=" + TIMEOUT.toMillis() + "ms",
					"tiergate.rate-limit.key-resolver=header:X-Client",
					"tiergate.rate-limit.tiers.llm.capacity=100000", "tiergate.rate-limit.tiers.llm.refill-tokens=1",
					"tiergate.rate-limit.tiers.llm.refill-period=1s", "tiergate.rate-limit.tiers.llm.max-concurrent=4")
			.run();
		this.port = this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.redis.close();
	}

	@Test
	void aFrozenThenKilledRedisCostsReactiveCallersNoErrorAndNoWaitBeyondAboutOneTimeout() throws Exception {
		TiergateHealthIndicator health = this.context.getBean(TiergateHealthIndicator.class);
		List<Duration> times = new ArrayList<>();
		round(times, "before");
		this.redis.freeze();
		round(times, "frozen");
		this.redis.thaw();
		this.redis.stop();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> TiergateHealthIndicator.DEGRADED.equals(health.health(true).getStatus()));
		for (int i = 0; i < 3; i++) {
			round(times, "killed");
		}
		Duration slowest = times.stream().max(Duration::compareTo).orElseThrow();
		logger.info("Slowest request: " + slowest.toMillis() + "ms (timeout " + TIMEOUT.toMillis() + "ms)");
		// As in RedisOutageTests: room for a busy machine, and still far below what waiting
		// for Lettuce's own 60 s timeout or a queue of commands would cost.
		assertThat(slowest).as("the slowest request").isLessThan(Duration.ofSeconds(2));
		OutageController controller = this.context.getBean(OutageController.class);
		assertThat(controller.loads()).as("one load: the cached answer served from L1 while Redis was away").isOne();
	}

	/** Each endpoint once, four limited requests at once. */
	private void round(List<Duration> times, String phase) throws Exception {
		for (String path : List.of("/limited", "/cached/1", "/stream", "/budget")) {
			long start = System.nanoTime();
			HttpResponse<String> response = get(path).join();
			times.add(Duration.ofNanos(System.nanoTime() - start));
			assertThat(response.statusCode()).as(phase + " " + path).isEqualTo(200);
			assertThat(response.headers().firstValue("X-RateLimit-Limit")).as(phase + " " + path).isPresent();
		}
		List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			concurrent.add(get("/budget"));
		}
		for (CompletableFuture<HttpResponse<String>> response : concurrent) {
			assertThat(response.join().statusCode()).as(phase + " concurrent").isEqualTo(200);
		}
	}

	private CompletableFuture<HttpResponse<String>> get(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("X-Client", "outage-client")
			.timeout(Duration.ofSeconds(30))
			.build();
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OutageController.class)
	static class OutageApplication {

	}

	@RestController
	static class OutageController {

		private final AtomicInteger loads = new AtomicInteger();

		int loads() {
			return this.loads.get();
		}

		@RateLimited("content")
		@GetMapping("/limited")
		Mono<String> limited() {
			return Mono.just("limited");
		}

		@RateLimited("content")
		@TieredCacheable("items")
		@GetMapping("/cached/{id}")
		Mono<String> cached(@PathVariable long id) {
			return Mono.fromSupplier(() -> {
				this.loads.incrementAndGet();
				return "item " + id;
			});
		}

		@RateLimited("content")
		@GetMapping("/stream")
		Flux<String> stream() {
			return Flux.just("a", "b", "c");
		}

		@RateLimited(value = "llm", cost = 10, actualCostExpression = "#result.length()")
		@GetMapping("/budget")
		Mono<String> budget() {
			return Mono.just("answer");
		}

	}

}
