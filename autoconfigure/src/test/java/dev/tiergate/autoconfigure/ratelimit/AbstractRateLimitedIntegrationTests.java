package dev.tiergate.autoconfigure.ratelimit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @RateLimited} end to end: a web application that only adds the starter and
 * annotates its handlers and services, on a real Redis and a real HTTP server, with time
 * moved by hand. A subclass chooses the Redis ({@link #topology()}), is annotated
 * {@code @SpringBootTest(classes = RateLimitTestApplication.class, webEnvironment =
 * RANDOM_PORT)} and registers it with {@link #register} from a
 * {@code @DynamicPropertySource} method, so the same behaviour is checked on one server
 * and on a Redis Cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRateLimitedIntegrationTests {

	/** Each run has its own keys, so a run never finds the buckets an earlier run drained. */
	static final String NAMESPACE = "rl-it-" + UUID.randomUUID();

	private static final HttpClient http = HttpClient.newHttpClient();

	private RedisProbe redis;

	@LocalServerPort
	private int port;

	@Autowired
	private ChatService service;

	@Autowired
	private Reports reports;

	@Autowired
	private ManualTimeMeter time;

	@Autowired
	private RateLimiters rateLimiters;

	@Autowired
	private TieredCaches caches;

	@Autowired
	private MeterRegistry meters;

	/**
	 * Returns the Redis the application of this class uses.
	 * @return the topology
	 */
	protected abstract RedisTopology topology();

	/**
	 * Registers the properties of the test application and of its Redis.
	 * @param registry the registry of a {@code @DynamicPropertySource} method
	 * @param topology the Redis
	 */
	static void register(DynamicPropertyRegistry registry, RedisTopology topology) {
		topology.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		registry.add("spring.application.name", () -> NAMESPACE);
		for (String property : RateLimitTestApplication.PROPERTIES) {
			String[] nameAndValue = property.split("=", 2);
			registry.add(nameAndValue[0], () -> nameAndValue[1]);
		}
	}

	@BeforeAll
	void connectProbe() {
		this.redis = topology().probe();
	}

	@AfterAll
	void closeProbe() {
		this.redis.close();
	}

	@Test
	void theChatDefaultsAdmitFiveCallsThenAnswer429WithHeadersAndAProblemUntilTenSecondsPassed() throws Exception {
		assertThat(this.rateLimiters.isDistributed()).isTrue();
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> allowed = get("/chat");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.body()).isEqualTo("hello");
			assertThat(header(allowed, "X-RateLimit-Limit")).isEqualTo("5");
			assertThat(header(allowed, "X-RateLimit-Remaining")).isEqualTo(String.valueOf(4 - i));
			assertThat(header(allowed, "X-RateLimit-Reset")).isEqualTo(String.valueOf(10 * (i + 1)));
			assertThat(allowed.headers().firstValue("Retry-After")).isEmpty();
		}
		HttpResponse<String> rejected = get("/chat");
		assertThat(rejected.statusCode()).isEqualTo(429);
		assertThat(header(rejected, "X-RateLimit-Limit")).isEqualTo("5");
		assertThat(header(rejected, "X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(header(rejected, "X-RateLimit-Reset")).isEqualTo("50");
		assertThat(rejected.headers().allValues("Retry-After")).containsExactly("10");
		assertThat(header(rejected, "RateLimit-Policy")).isEqualTo("\"chat\";q=5;w=50");
		assertThat(header(rejected, "RateLimit")).isEqualTo("\"chat\";r=0;t=50");
		assertThat(header(rejected, "Content-Type")).startsWith("application/problem+json");
		JsonNode problem = JsonMapper.builder().build().readTree(rejected.body());
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		assertThat(problem.path("title").asString()).isEqualTo("Too Many Requests");
		assertThat(problem.path("detail").asString())
			.isEqualTo("Rate limit of tier 'chat' exceeded. Retry after 10 seconds.");
		assertThat(problem.path("tier").asString()).isEqualTo("chat");
		assertThat(problem.path("retryAfter").asInt()).isEqualTo(10);
		assertThat(problem.path("instance").asString()).isEqualTo("/chat");
		System.err.println("tiergate 429 example:\n" + describe(rejected));
		this.time.advance(Duration.ofSeconds(9));
		assertThat(get("/chat").statusCode()).isEqualTo(429);
		this.time.advance(Duration.ofSeconds(1));
		HttpResponse<String> again = get("/chat");
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(header(again, "X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(get("/chat").statusCode()).isEqualTo(429);
		assertThat(this.meters.get("tiergate.ratelimit.checks")
			.tags("tier", "chat", "result", "rejected", "mode", "distributed")
			.functionCounter()
			.count()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void aServiceCalledOutsideAnHttpRequestThrowsOnceItsBucketIsEmpty() {
		for (int i = 0; i < 5; i++) {
			this.service.ask("question " + i);
		}
		assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> this.service.ask("one more"))
			.satisfies((ex) -> {
				assertThat(ex.getTier()).isEqualTo("chat");
				assertThat(ex.getLimit()).isEqualTo(5);
				assertThat(ex.getRemaining()).isZero();
				assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(10));
				assertThat(ex.getDecision().isDistributed()).isTrue();
			});
	}

	@Test
	void aKeyExpressionAndACostExpressionChooseTheBucketAndTheTokens() {
		this.service.askAs("carol", "abc");
		assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> this.service.askAs("carol", "xyz"))
			.satisfies((ex) -> assertThat(ex.getRemaining()).isEqualTo(2));
		this.service.askAs("dave", "abcde");
	}

	@Test
	void rateLimitingRunsBeforeTheCacheSoACachedAnswerStillTakesAToken() {
		assertThat(AopUtils.isAopProxy(this.service)).isTrue();
		this.service.quote("ACME");
		this.service.quote("ACME");
		this.service.quote("ACME");
		assertThat(this.service.quoteInvocations()).as("the second and third calls were cache hits").isEqualTo(1);
		assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> this.service.quote("ACME"));
		assertThat(this.service.quoteInvocations()).isEqualTo(1);
	}

	@Test
	void aClassLevelAnnotationCoversPublicMethodsAndAMethodLevelOneWins() {
		this.reports.daily();
		this.reports.purge();
		assertThat(count("content")).isEqualTo(1);
		assertThat(count("admin")).isEqualTo(1);
	}

	@Test
	void fromAnUntrustedPeerARotatingXForwardedForLandsInOneBucket() throws Exception {
		assertThat(get("/proxied", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(200);
		assertThat(get("/proxied", "X-Forwarded-For", "203.0.113.2").statusCode()).isEqualTo(200);
		assertThat(get("/proxied", "X-Forwarded-For", "203.0.113.3").statusCode()).isEqualTo(429);
		assertThat(get("/proxied", "Forwarded", "for=203.0.113.4").statusCode()).isEqualTo(429);
	}

	@Test
	void behindATrustedProxyEachForwardedClientHasItsOwnBucketSharedWithTheOtherInstances() throws Exception {
		try (ConfigurableApplicationContext behindProxy = RateLimitTestApplication.start(topology(),
				WebApplicationType.SERVLET, "spring.application.name=" + NAMESPACE,
				"tiergate.rate-limit.trusted-proxies=127.0.0.1/32")) {
			int port = behindProxy.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			for (String client : List.of("198.51.100.1", "198.51.100.2", "198.51.100.3")) {
				assertThat(get(port, "/proxied", "X-Forwarded-For", "1.2.3.4, " + client).statusCode()).isEqualTo(200);
				assertThat(get(port, "/proxied", "X-Forwarded-For", client).statusCode()).isEqualTo(200);
				assertThat(get(port, "/proxied", "X-Forwarded-For", client).statusCode()).isEqualTo(429);
			}
			// The other instance shares the buckets: a client drained there is drained here.
			ChatService other = behindProxy.getBean(ChatService.class);
			other.askAs("erin", "abcd");
			assertThatExceptionOfType(RateLimitExceededException.class)
				.isThrownBy(() -> this.service.askAs("erin", "ab"));
		}
	}

	@Test
	void idleBucketsInRedisCarryATtlAndNoClientKey() {
		this.service.quote("IDLE");
		this.service.askAs("idle-user", "a");
		List<String> keys = this.redis.scanKeys("{" + NAMESPACE + ":rl:*");
		assertThat(keys).isNotEmpty().allSatisfy((key) -> {
			assertThat(key).matches("\\{" + NAMESPACE + ":rl:[a-z]+:[0-9a-f]{32}}:v2").doesNotContain("idle");
			assertThat(this.redis.pttl(key)).isPositive();
		});
	}

	@Test
	void resettingBetweenTestsRefillsThisApplicationsBucketsOnEveryNodeAndEmptiesBothTiersOfEveryCache() {
		for (int i = 0; i < 30; i++) {
			this.service.askAs("reset-" + i, "aaaaa");
		}
		assertThatExceptionOfType(RateLimitExceededException.class)
			.isThrownBy(() -> this.service.askAs("reset-0", "a"));
		this.service.quote("RESET");
		this.service.quote("RESET");
		int invocations = this.service.quoteInvocations();
		String otherApplication = "{" + NAMESPACE + "-other:rl:chat:0123456789abcdef0123456789abcdef}:v2";
		this.redis.set(otherApplication, "5".getBytes(StandardCharsets.US_ASCII));
		assertThat(this.redis.scanKeys("{" + NAMESPACE + ":rl:chat:*")).hasSizeGreaterThanOrEqualTo(30);

		assertThat(this.rateLimiters.reset()).isGreaterThanOrEqualTo(30);
		this.caches.clearAll();

		assertThat(this.redis.scanKeys("{" + NAMESPACE + ":rl:*")).isEmpty();
		assertThat(this.redis.exists(otherApplication)).as("another application's bucket").isTrue();
		assertThat(this.service.askAs("reset-0", "aaaaa")).isEqualTo("answer to reset-0");
		this.service.quote("RESET");
		assertThat(this.service.quoteInvocations()).as("neither L1 nor L2 has the quote").isEqualTo(invocations + 1);
		this.redis.commands().del(otherApplication);
	}

	private double count(String tier) {
		return this.meters.get("tiergate.ratelimit.checks")
			.tags("tier", tier, "result", "allowed", "mode", "distributed")
			.functionCounter()
			.count();
	}

	private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
		return get(this.port, path, headers);
	}

	private static HttpResponse<String> get(int port, String path, String... headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String header(HttpResponse<?> response, String name) {
		return response.headers().firstValue(name).orElse(null);
	}

	private static String describe(HttpResponse<String> response) {
		StringBuilder text = new StringBuilder("HTTP/1.1 " + response.statusCode() + "\n");
		response.headers().map().forEach((name, values) -> values.forEach((value) -> text.append(name).append(": ")
			.append(value).append('\n')));
		return text.append('\n').append(response.body()).toString();
	}

}
