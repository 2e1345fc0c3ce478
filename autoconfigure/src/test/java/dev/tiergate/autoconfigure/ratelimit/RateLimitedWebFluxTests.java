package dev.tiergate.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.RateLimitStatistics;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.web.RateLimitProblem;
import dev.tiergate.test.RedisTopology;
import dev.tiergate.test.TestRedis;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.stereotype.Service;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebFlux application on Reactor Netty, limited in the shared real Redis: annotated
 * {@code Mono} and {@code Flux} handlers, a functional endpoint, a route of
 * configuration (one with {@code max-concurrent}), the {@code user} key from the
 * reactive Spring Security principal and the {@code ip} key behind a trusted proxy. Allowed and rejected responses carry the
 * headers; a rejection is the 429 problem with {@code Retry-After}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitedWebFluxTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private ConfigurableApplicationContext context;

	private WebTestClient client;

	@BeforeAll
	void start() {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "tiergate.redis.timeout=2s",
				"spring.application.name=rl-webflux-" + UUID.randomUUID(), "tiergate.rate-limit.headers.ietf=true",
				"tiergate.rate-limit.key-resolver=header:X-Client", "tiergate.rate-limit.trusted-proxies=127.0.0.1,::1",
				"tiergate.rate-limit.tiers.users.key-resolver=user", "tiergate.rate-limit.tiers.ips.key-resolver=ip",
				"tiergate.rate-limit.routes[0].path=/routed/**", "tiergate.rate-limit.routes[0].tier=routed",
				"tiergate.rate-limit.routes[1].path=/held/**", "tiergate.rate-limit.routes[1].tier=held",
				"tiergate.rate-limit.tiers.held.capacity=100", "tiergate.rate-limit.tiers.held.refill-tokens=1",
				"tiergate.rate-limit.tiers.held.refill-period=1s", "tiergate.rate-limit.tiers.held.max-concurrent=1"));
		for (String tier : List.of("mono", "stream", "functional", "routed", "users", "ips")) {
			String prefix = "tiergate.rate-limit.tiers." + tier + ".";
			properties.addAll(List.of(prefix + "capacity=2", prefix + "refill-tokens=1", prefix + "refill-period=1h"));
		}
		this.context = new SpringApplicationBuilder(WebFluxApplication.class).web(WebApplicationType.REACTIVE)
			.properties(properties.toArray(String[]::new))
			.properties(RedisTopology.standalone(TestRedis.shared()).springPropertyArguments())
			.run();
		int port = this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		this.client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
	}

	@AfterAll
	void stop() {
		this.context.close();
	}

	@Test
	void aMonoHandlerIsLimitedWithHeadersOnEveryResponseAndA429Problem() {
		String client = UUID.randomUUID().toString();
		for (int i = 0; i < 2; i++) {
			EntityExchangeResult<String> allowed = get("/rx/mono", (headers) -> headers.set("X-Client", client));
			assertThat(allowed.getStatus().value()).isEqualTo(200);
			assertThat(allowed.getResponseBody()).isEqualTo("mono");
			assertAllowed(allowed, 1 - i);
			assertThat(allowed.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"mono\";q=2;w=7200");
		}
		assertRejected(get("/rx/mono", (headers) -> headers.set("X-Client", client)), "mono", "/rx/mono");
		assertThat(get("/rx/mono", (headers) -> headers.set("X-Client", client + "-other")).getStatus().value())
			.as("another client").isEqualTo(200);
	}

	@Test
	void aStreamOfServerSentEventsIsLimitedWithHeadersAndA429Problem() {
		String client = UUID.randomUUID().toString();
		for (int i = 0; i < 2; i++) {
			EntityExchangeResult<String> allowed = get("/rx/stream", (headers) -> {
				headers.set("X-Client", client);
				headers.setAccept(List.of(MediaType.TEXT_EVENT_STREAM));
			});
			assertThat(allowed.getStatus().value()).isEqualTo(200);
			assertThat(allowed.getResponseHeaders().getContentType()).isNotNull()
				.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue());
			assertThat(allowed.getResponseBody()).contains("data:a").contains("data:b");
			assertAllowed(allowed, 1 - i);
		}
		assertRejected(get("/rx/stream", (headers) -> {
			headers.set("X-Client", client);
			headers.setAccept(List.of(MediaType.TEXT_EVENT_STREAM));
		}), "stream", "/rx/stream");
	}

	@Test
	void aFunctionalEndpointCallingALimitedServiceIsAnsweredWithTheProblemByTheWebFilter() {
		String client = UUID.randomUUID().toString();
		for (int i = 0; i < 2; i++) {
			EntityExchangeResult<String> allowed = get("/fn/greeting", (headers) -> headers.set("X-Client", client));
			assertThat(allowed.getStatus().value()).isEqualTo(200);
			assertThat(allowed.getResponseBody()).isEqualTo("hello");
			assertAllowed(allowed, 1 - i);
		}
		assertRejected(get("/fn/greeting", (headers) -> headers.set("X-Client", client)), "functional", "/fn/greeting");
	}

	@Test
	void aRouteLimitsAnUnannotatedHandlerAndAnAnnotationOfTheSameTierTakesNoTokensAgain() {
		RateLimitStatistics statistics = this.context.getBean(RateLimiters.class).get("routed").statistics();
		String client = UUID.randomUUID().toString();
		long allowedBefore = statistics.allowed();
		EntityExchangeResult<String> plain = get("/routed/plain", (headers) -> headers.set("X-Client", client));
		assertThat(plain.getStatus().value()).isEqualTo(200);
		assertAllowed(plain, 1);
		EntityExchangeResult<String> annotated = get("/routed/annotated",
				(headers) -> headers.set("X-Client", client));
		assertThat(annotated.getStatus().value()).isEqualTo(200);
		assertThat(annotated.getResponseBody()).isEqualTo("annotated");
		assertAllowed(annotated, 0);
		assertThat(statistics.allowed()).as("one check per request").isEqualTo(allowedBefore + 2);
		assertRejected(get("/routed/annotated", (headers) -> headers.set("X-Client", client)), "routed",
				"/routed/annotated");
		assertRejected(get("/routed/plain", (headers) -> headers.set("X-Client", client)), "routed",
				"/routed/plain");
		assertThat(get("/unrouted", (headers) -> headers.set("X-Client", client)).getResponseHeaders()
			.containsHeader("X-RateLimit-Limit")).as("a path no route matches").isFalse();
	}

	@Test
	void theUserKeyIsTheReactiveSpringSecurityPrincipal() {
		for (int i = 0; i < 2; i++) {
			EntityExchangeResult<String> allowed = get("/rx/user", (headers) -> headers.setBasicAuth("alice", "pw"));
			assertThat(allowed.getStatus().value()).isEqualTo(200);
			assertThat(allowed.getResponseBody()).isEqualTo("alice");
			assertAllowed(allowed, 1 - i);
		}
		assertRejected(get("/rx/user", (headers) -> headers.setBasicAuth("alice", "pw")), "users", "/rx/user");
		EntityExchangeResult<String> bob = get("/rx/user", (headers) -> headers.setBasicAuth("bob", "pw"));
		assertThat(bob.getStatus().value()).as("another user, from the same address").isEqualTo(200);
		assertAllowed(bob, 1);
	}

	@Test
	void theIpKeyBelievesTheForwardingHeaderOfATrustedProxy() {
		String client = "203.0.113." + (1 + (System.nanoTime() & 0x7f));
		for (int i = 0; i < 2; i++) {
			EntityExchangeResult<String> allowed = get("/rx/ip", (headers) -> headers.set("X-Forwarded-For", client));
			assertThat(allowed.getStatus().value()).isEqualTo(200);
			assertAllowed(allowed, 1 - i);
		}
		assertRejected(get("/rx/ip", (headers) -> headers.set("X-Forwarded-For", client)), "ips", "/rx/ip");
		assertThat(get("/rx/ip", (headers) -> headers.set("X-Forwarded-For", "198.51.100.250, " + client)).getStatus()
			.value()).as("the proxy's own peer is the nearest untrusted address").isEqualTo(429);
	}

	@Test
	void aRouteOfATierWithMaxConcurrentHoldsItsLeaseUntilTheResponseIsComplete() {
		ReactiveController controller = this.context.getBean(ReactiveController.class);
		String client = UUID.randomUUID().toString();
		Sinks.One<String> answer = Sinks.one();
		controller.holdNextAnswer(answer);
		CompletableFuture<EntityExchangeResult<String>> first = CompletableFuture
			.supplyAsync(() -> get("/held/answer", (headers) -> headers.set("X-Client", client)));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> answer.currentSubscriberCount() == 1);
		EntityExchangeResult<String> second = get("/held/answer", (headers) -> headers.set("X-Client", client));
		assertThat(second.getStatus().value()).as("one call at a time").isEqualTo(429);
		assertThat(json.readTree(second.getResponseBody()).path("tier").asString()).isEqualTo("held");
		assertThat(get("/held/answer", (headers) -> headers.set("X-Client", client + "-other")).getStatus().value())
			.as("another client").isEqualTo(200);
		answer.tryEmitValue("first");
		assertThat(first).succeedsWithin(Duration.ofSeconds(5))
			.satisfies((result) -> assertThat(result.getResponseBody()).isEqualTo("first"));
		// The lease is released without waiting for Redis: shortly after the response.
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> get("/held/answer",
				(headers) -> headers.set("X-Client", client)).getStatus().value() == 200);
	}

	private EntityExchangeResult<String> get(String path, Consumer<HttpHeaders> headers) {
		return this.client.get().uri(path).headers(headers).exchange().expectBody(String.class).returnResult();
	}

	private static void assertAllowed(EntityExchangeResult<String> allowed, int remaining) {
		HttpHeaders headers = allowed.getResponseHeaders();
		assertThat(headers.getFirst("X-RateLimit-Limit")).isEqualTo("2");
		assertThat(headers.getFirst("X-RateLimit-Remaining")).isEqualTo(String.valueOf(remaining));
		assertThat(headers.getFirst("X-RateLimit-Reset")).isNotBlank();
		assertThat(headers.containsHeader("Retry-After")).isFalse();
	}

	private static void assertRejected(EntityExchangeResult<String> rejected, String tier, String path) {
		HttpHeaders headers = rejected.getResponseHeaders();
		assertThat(rejected.getStatus().value()).isEqualTo(429);
		assertThat(headers.getFirst("X-RateLimit-Limit")).isEqualTo("2");
		assertThat(headers.getFirst("X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(headers.getValuesAsList("Retry-After")).containsExactly("3600");
		// t: until the bucket is full again, two tokens of an hour each
		assertThat(headers.getFirst("RateLimit")).isEqualTo("\"" + tier + "\";r=0;t=7200");
		assertThat(headers.getContentType()).isNotNull()
			.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue());
		JsonNode problem = json.readTree(rejected.getResponseBody());
		assertThat(problem.path("type").asString()).isEqualTo(RateLimitProblem.QUOTA_EXCEEDED);
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		assertThat(problem.path("tier").asString()).isEqualTo(tier);
		assertThat(problem.path("retryAfter").asInt()).isEqualTo(3600);
		assertThat(problem.path("instance").asString()).isEqualTo(path);
		assertThat(problem.path("violated-policies").get(0).asString()).isEqualTo(tier);
	}

	/** A WebFlux application as a user would write it, with time moved by hand. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableWebFluxSecurity
	@Import({ ReactiveController.class, GreetingService.class })
	static class WebFluxApplication {

		@Bean
		ManualTimeMeter timeMeter() {
			return new ManualTimeMeter();
		}

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
			// Basic authentication where a request brings it, every path open to anonymous callers too.
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.httpBasic((basic) -> { })
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

		@Bean
		MapReactiveUserDetailsService users() {
			return new MapReactiveUserDetailsService(User.withUsername("alice").password("{noop}pw").roles("USER").build(),
					User.withUsername("bob").password("{noop}pw").roles("USER").build());
		}

		@Bean
		RouterFunction<ServerResponse> greetingRoute(GreetingService greetings) {
			return RouterFunctions.route()
				.GET("/fn/greeting", (request) -> greetings.greeting().flatMap((text) -> ServerResponse.ok().bodyValue(text)))
				.build();
		}

	}

	@Service
	static class GreetingService {

		@RateLimited("functional")
		Mono<String> greeting() {
			return Mono.just("hello");
		}

	}

	@RestController
	static class ReactiveController {

		@RateLimited("mono")
		@GetMapping("/rx/mono")
		Mono<String> mono() {
			return Mono.just("mono");
		}

		@RateLimited("stream")
		@GetMapping(path = "/rx/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<String> stream() {
			return Flux.just("a", "b");
		}

		@RateLimited("users")
		@GetMapping("/rx/user")
		Mono<String> user(java.security.Principal principal) {
			return Mono.just(principal.getName());
		}

		@RateLimited("ips")
		@GetMapping("/rx/ip")
		Mono<String> ip() {
			return Mono.just("ip");
		}

		@GetMapping("/routed/plain")
		Mono<String> plain() {
			return Mono.just("plain");
		}

		@RateLimited("routed")
		@GetMapping("/routed/annotated")
		Mono<String> annotated() {
			return Mono.just("annotated");
		}

		/** The answer of the next call of /held/answer; the calls after it are answered at once. */
		private final AtomicReference<Sinks.One<String>> held = new AtomicReference<>();

		void holdNextAnswer(Sinks.One<String> answer) {
			this.held.set(answer);
		}

		@GetMapping("/held/answer")
		Mono<String> heldAnswer() {
			Sinks.One<String> answer = this.held.getAndSet(null);
			return (answer != null) ? answer.asMono() : Mono.just("at once");
		}

		@GetMapping("/unrouted")
		Mono<String> unrouted() {
			return Mono.just("unrouted");
		}

	}

}
