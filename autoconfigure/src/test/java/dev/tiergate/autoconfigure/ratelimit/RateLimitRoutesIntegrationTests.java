package dev.tiergate.autoconfigure.ratelimit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitStatistics;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.web.RateLimitProblem;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes of {@code tiergate.rate-limit.routes}, shadow mode and the IETF fields end to end:
 * a real HTTP server, a real Redis, handlers without annotations.
 */
@SpringBootTest(classes = RateLimitRoutesIntegrationTests.RoutesApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitRoutesIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private RateLimiters rateLimiters;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		RedisTopology.standalone(TestRedis.shared())
			.springProperties()
			.forEach((name, value) -> registry.add(name, () -> value));
		registry.add("spring.application.name", () -> "rl-routes-" + UUID.randomUUID());
		List<String> properties = List.of("tiergate.rate-limit.headers.ietf=true",
				"tiergate.rate-limit.key-resolver=header:X-Client",
				// llm: 2 per hour and 5 per day, counted in content bytes (for qu)
				"tiergate.rate-limit.tiers.llm.capacity=2", "tiergate.rate-limit.tiers.llm.refill-tokens=1",
				"tiergate.rate-limit.tiers.llm.refill-period=1h", "tiergate.rate-limit.tiers.llm.extra-limits[0].capacity=5",
				"tiergate.rate-limit.tiers.llm.extra-limits[0].refill-tokens=5",
				"tiergate.rate-limit.tiers.llm.extra-limits[0].refill-period=1d",
				"tiergate.rate-limit.tiers.llm.unit=content-bytes",
				"tiergate.rate-limit.tiers.tried.capacity=1", "tiergate.rate-limit.tiers.tried.refill-tokens=1",
				"tiergate.rate-limit.tiers.tried.refill-period=1h", "tiergate.rate-limit.tiers.tried.mode=shadow",
				"tiergate.rate-limit.tiers.both.capacity=3", "tiergate.rate-limit.tiers.both.refill-tokens=1",
				"tiergate.rate-limit.tiers.both.refill-period=1h",
				"tiergate.rate-limit.tiers.annotated.capacity=1", "tiergate.rate-limit.tiers.annotated.refill-tokens=1",
				"tiergate.rate-limit.tiers.annotated.refill-period=1h",
				"tiergate.rate-limit.routes[0].path=/llm/**", "tiergate.rate-limit.routes[0].methods=POST",
				"tiergate.rate-limit.routes[0].tier=llm", "tiergate.rate-limit.routes[1].path=/llm/{name}",
				"tiergate.rate-limit.routes[1].tier=tried", "tiergate.rate-limit.routes[2].path=/both",
				"tiergate.rate-limit.routes[2].tier=both");
		for (String property : properties) {
			String[] nameAndValue = property.split("=", 2);
			registry.add(nameAndValue[0], () -> nameAndValue[1]);
		}
	}

	@Test
	void aRouteLimitsAnUnannotatedHandlerWithHeadersAndA429ProblemAsTheAnnotationWould() throws Exception {
		String client = "198.51.100.1";
		RateLimitStatistics statistics = this.rateLimiters.get("llm").statistics();
		long allowedBefore = statistics.allowed();
		long rejectedBefore = statistics.rejected();
		double rejectedMeterBefore = rejectedMeter();
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> allowed = send("POST", "/llm/ask", client);
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.body()).isEqualTo("answer");
			assertThat(header(allowed, "X-RateLimit-Limit")).isEqualTo("2");
			assertThat(header(allowed, "X-RateLimit-Remaining")).isEqualTo(String.valueOf(1 - i));
			List<StructuredFields.Item> policy = StructuredFields.parseList(header(allowed, "RateLimit-Policy"));
			assertThat(policy).extracting(StructuredFields.Item::value).containsExactly("llm", "llm-1");
			assertThat(policy.get(0).parameters()).containsExactly(Map.entry("q", 2L), Map.entry("w", 7200L),
					Map.entry("qu", "content-bytes"));
			assertThat(policy.get(1).parameters()).containsExactly(Map.entry("q", 5L), Map.entry("w", 86400L),
					Map.entry("qu", "content-bytes"));
			List<StructuredFields.Item> rateLimit = StructuredFields.parseList(header(allowed, "RateLimit"));
			assertThat(rateLimit).hasSize(1);
			assertThat(rateLimit.get(0).value()).isEqualTo("llm");
			assertThat(rateLimit.get(0).parameters()).containsOnlyKeys("r", "t").containsEntry("r", (long) (1 - i));
		}
		HttpResponse<String> rejected = send("POST", "/llm/ask", client);
		assertThat(rejected.statusCode()).isEqualTo(429);
		assertThat(header(rejected, "Content-Type")).startsWith("application/problem+json");
		assertThat(rejected.headers().allValues("Retry-After")).containsExactly("3600");
		assertThat(header(rejected, "X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(StructuredFields.parseList(header(rejected, "RateLimit"))).singleElement()
			.satisfies((item) -> assertThat(item.parameters()).containsEntry("r", 0L).containsEntry("t", 7200L));
		JsonNode problem = json.readTree(rejected.body());
		assertThat(problem.path("type").asString()).isEqualTo(RateLimitProblem.QUOTA_EXCEEDED);
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		assertThat(problem.path("title").asString()).isEqualTo("Too Many Requests");
		assertThat(problem.path("detail").asString())
			.isEqualTo("Rate limit of tier 'llm' exceeded. Retry after 3600 seconds.");
		assertThat(problem.path("tier").asString()).isEqualTo("llm");
		assertThat(problem.path("retryAfter").asInt()).isEqualTo(3600);
		assertThat(problem.path("instance").asString()).isEqualTo("/llm/ask");
		assertThat(problem.path("violated-policies").isArray()).isTrue();
		assertThat(problem.path("violated-policies").get(0).asString()).isEqualTo("llm");
		assertThat(problem.path("violated-policies").size()).isEqualTo(1);
		assertThat(send("POST", "/llm/ask", "198.51.100.2").statusCode()).as("another client").isEqualTo(200);
		assertThat(statistics.allowed()).isEqualTo(allowedBefore + 3);
		assertThat(statistics.rejected()).isEqualTo(rejectedBefore + 1);
		assertThat(rejectedMeter()).isEqualTo(rejectedMeterBefore + 1);
	}

	private double rejectedMeter() {
		return this.meters.get("tiergate.ratelimit.checks")
			.tags("tier", "llm", "result", "rejected", "mode", "distributed")
			.functionCounter()
			.count();
	}

	@Test
	void theFilterAnswersTheSameProblemAsTheAnnotation() throws Exception {
		String client = "198.51.100.3";
		assertThat(send("GET", "/annotated", client).statusCode()).isEqualTo(200);
		HttpResponse<String> byAnnotation = send("GET", "/annotated", client);
		assertThat(byAnnotation.statusCode()).isEqualTo(429);
		for (int i = 0; i < 2; i++) {
			send("POST", "/llm/compare", client);
		}
		HttpResponse<String> byRoute = send("POST", "/llm/compare", client);
		assertThat(byRoute.statusCode()).isEqualTo(429);
		JsonNode annotation = json.readTree(byAnnotation.body());
		JsonNode route = json.readTree(byRoute.body());
		assertThat(fieldNames(route)).isEqualTo(fieldNames(annotation));
		for (String same : List.of("type", "title", "status")) {
			assertThat(route.path(same)).isEqualTo(annotation.path(same));
		}
		assertThat(annotation.path("violated-policies").get(0).asString()).isEqualTo("annotated");
		assertThat(annotation.path("instance").asString()).isEqualTo("/annotated");
		assertThat(route.path("instance").asString()).isEqualTo("/llm/compare");
	}

	@Test
	void aRouteAppliesOnlyToItsMethodsAndTheFirstMatchingRouteWins() throws Exception {
		String client = "198.51.100.4";
		long triedChecks = this.rateLimiters.get("tried").statistics().checks(Enforcement.DISTRIBUTED);
		HttpResponse<String> get = send("GET", "/llm/ask", client);
		assertThat(get.statusCode()).isEqualTo(200);
		assertThat(header(get, "X-RateLimit-Limit")).as("routes[1]: a GET is no POST of routes[0]").isEqualTo("1");
		long llmChecks = this.rateLimiters.get("llm").statistics().allowed()
				+ this.rateLimiters.get("llm").statistics().rejected();
		assertThat(send("POST", "/llm/ask", client).statusCode()).isEqualTo(200);
		assertThat(this.rateLimiters.get("llm").statistics().allowed() + this.rateLimiters.get("llm").statistics().rejected())
			.as("a POST matches routes[0] and routes[1], and only routes[0] applies").isEqualTo(llmChecks + 1);
		assertThat(this.rateLimiters.get("tried").statistics().checks(Enforcement.DISTRIBUTED)).isEqualTo(triedChecks + 1);
		HttpResponse<String> unmatched = send("GET", "/other", client);
		assertThat(unmatched.statusCode()).isEqualTo(200);
		assertThat(unmatched.headers().firstValue("X-RateLimit-Limit")).isEmpty();
	}

	@Test
	void aShadowTierAllowsWhatItWouldRefuseSendsItsHeadersAndCountsItShadowRejected() throws Exception {
		String client = "198.51.100.5";
		assertThat(send("GET", "/llm/shadowed", client).statusCode()).isEqualTo(200);
		double before = this.meters.get("tiergate.ratelimit.checks")
			.tags("tier", "tried", "result", "shadow-rejected", "mode", "distributed")
			.functionCounter()
			.count();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> shadowed = send("GET", "/llm/shadowed", client);
			assertThat(shadowed.statusCode()).isEqualTo(200);
			assertThat(shadowed.body()).isEqualTo("shadowed");
			assertThat(header(shadowed, "X-RateLimit-Limit")).isEqualTo("1");
			assertThat(header(shadowed, "X-RateLimit-Remaining")).isEqualTo("0");
			assertThat(StructuredFields.parseList(header(shadowed, "RateLimit"))).singleElement()
				.satisfies((item) -> assertThat(item.parameters()).containsEntry("r", 0L));
			assertThat(shadowed.headers().firstValue("Retry-After")).as("not refused").isEmpty();
		}
		assertThat(this.meters.get("tiergate.ratelimit.checks")
			.tags("tier", "tried", "result", "shadow-rejected", "mode", "distributed")
			.functionCounter()
			.count()).isEqualTo(before + 3);
		assertThat(this.rateLimiters.get("tried").statistics().rejected()).isZero();
	}

	@Test
	void aShadowTierOfAnAnnotationNeverRefusesAndCountsShadowRejected() throws Exception {
		String client = "198.51.100.7";
		RateLimitStatistics statistics = this.rateLimiters.get("tried").statistics();
		long shadowRejected = statistics.shadowRejected();
		assertThat(send("GET", "/shadow-annotated", client).statusCode()).isEqualTo(200);
		HttpResponse<String> wouldBeRefused = send("GET", "/shadow-annotated", client);
		assertThat(wouldBeRefused.statusCode()).isEqualTo(200);
		assertThat(header(wouldBeRefused, "X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(wouldBeRefused.headers().firstValue("Retry-After")).isEmpty();
		assertThat(statistics.shadowRejected()).isEqualTo(shadowRejected + 1);
	}

	@Test
	void aRequestMatchedByARouteAndAnAnnotationOfTheSameTierTakesItsTokensOnce() throws Exception {
		String client = "198.51.100.6";
		RateLimitStatistics statistics = this.rateLimiters.get("both").statistics();
		long checks = statistics.allowed() + statistics.rejected();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> allowed = send("GET", "/both", client);
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(header(allowed, "X-RateLimit-Remaining")).isEqualTo(String.valueOf(2 - i));
		}
		assertThat(send("GET", "/both", client).statusCode()).isEqualTo(429);
		assertThat(statistics.allowed() + statistics.rejected()).as("one check per request").isEqualTo(checks + 4);
	}

	private static List<String> fieldNames(JsonNode node) {
		List<String> names = new ArrayList<>(node.propertyNames());
		names.sort(null);
		return names;
	}

	private HttpResponse<String> send(String method, String path, String client)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.header("X-Client", client)
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String header(HttpResponse<?> response, String name) {
		return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("No header " + name));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(RoutedController.class)
	static class RoutesApplication {

		@Bean
		ManualTimeMeter timeMeter() {
			return new ManualTimeMeter();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@RestController
	@RequestMapping
	static class RoutedController {

		@PostMapping("/llm/{name}")
		String ask() {
			return "answer";
		}

		@GetMapping("/llm/{name}")
		String shadowed() {
			return "shadowed";
		}

		@GetMapping("/both")
		@RateLimited("both")
		public String both() {
			return "both";
		}

		@GetMapping("/annotated")
		@RateLimited("annotated")
		public String annotated() {
			return "annotated";
		}

		@GetMapping("/shadow-annotated")
		@RateLimited("tried")
		public String shadowAnnotated() {
			return "shadow";
		}

		@GetMapping("/other")
		String other() {
			return "other";
		}

	}

}
