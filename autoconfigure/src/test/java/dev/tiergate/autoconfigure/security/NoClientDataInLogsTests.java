package dev.tiergate.autoconfigure.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No client data and no secret in what tiergate logs, measures or reports: a web
 * application on a Redis that takes a password (an ACL user) serves cached and
 * rate-limited requests with distinctive client addresses (sent through a trusted
 * proxy), API keys, cache keys and cached values; Redis is killed and started again
 * under that traffic, and a value nobody can decode (containing a marker) is planted in
 * Redis. Then the captured output (with tiergate's loggers at DEBUG), every meter's
 * name, tags and description, the health details and the {@code tiergate} endpoint are
 * searched for the markers and the password: none may appear.
 */
@ExtendWith(OutputCaptureExtension.class)
class NoClientDataInLogsTests {

	private static final String PASSWORD = "Pw-LeakCheck-9d2e41";

	private static final String CLIENT_ADDRESS = "198.51.100.173";

	private static final String OTHER_CLIENT_ADDRESS = "2001:db8:beef:0:0:0:0:173";

	private static final String API_KEY = "apikey-LeakCheck-7f3a";

	private static final String KEY_MARKER = "keymarker-LeakCheck-51c0";

	private static final String VALUE_MARKER = "valuemarker-LeakCheck-e2b9";

	private static final String DECODE_MARKER = "decodemarker-LeakCheck-0a7d";

	private RedisProcess redis;

	private ConfigurableApplicationContext context;

	private RestClient client;

	@BeforeEach
	void start() {
		this.redis = TestRedis.startPrivate("--user", "tiergate", "on", ">" + PASSWORD, "~*", "&*", "+@all");
		RedisEndpoint endpoint = this.redis.endpoint();
		this.context = new SpringApplicationBuilder(LeakApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=leak-it", "server.port=0",
					"spring.data.redis.url="
							+ new RedisEndpoint(endpoint.host(), endpoint.port(), "tiergate", PASSWORD).uri(),
					"tiergate.redis.timeout=2s", "logging.level.dev.tiergate=debug",
					"management.endpoints.web.exposure.include=health,tiergate",
					"management.endpoint.health.show-details=always",
					"tiergate.rate-limit.trusted-proxies=127.0.0.1,::1",
					"tiergate.rate-limit.tiers.by-ip.capacity=3", "tiergate.rate-limit.tiers.by-ip.refill-tokens=1",
					"tiergate.rate-limit.tiers.by-ip.refill-period=1h", "tiergate.rate-limit.tiers.by-key.capacity=2",
					"tiergate.rate-limit.tiers.by-key.refill-tokens=1",
					"tiergate.rate-limit.tiers.by-key.refill-period=1h",
					"tiergate.rate-limit.tiers.by-key.key-resolver=header:X-Api-Key")
			.run();
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		this.client = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.redis.close();
	}

	@Test
	void logsMetricsAndHealthNameNoClientKeyValueOrPassword(CapturedOutput output) {
		Catalog catalog = this.context.getBean(Catalog.class);
		GuardedRedis guarded = this.context.getBean(GuardedRedis.class);
		catalog.rename(7, VALUE_MARKER);
		List<HttpStatusCode> statuses = new ArrayList<>();
		traffic(catalog, statuses);
		try (RedisProbe probe = new RedisProbe(this.redis.endpoint())) {
			probe.set("leak-it:products:77", ("tg1:{\"id\":\"" + DECODE_MARKER + "\"}").getBytes(StandardCharsets.UTF_8));
		}
		assertThat(catalog.find(77).name()).isEqualTo("Product 77");

		this.redis.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			traffic(catalog, statuses);
			return guarded.state().isFallback();
		});
		traffic(catalog, statuses);
		assertThat(this.client.get().uri("/actuator/health").retrieve().toEntity(String.class).getBody())
			.contains("DEGRADED");
		String healthDuringOutage = this.client.get().uri("/actuator/health").retrieve().body(String.class);
		String endpointDuringOutage = this.client.get().uri("/actuator/tiergate").retrieve().body(String.class);

		this.redis.start();
		await().atMost(Duration.ofSeconds(15)).until(() -> !guarded.state().isFallback());
		traffic(catalog, statuses);
		String health = this.client.get().uri("/actuator/health").retrieve().body(String.class);
		String endpoint = this.client.get().uri("/actuator/tiergate").retrieve().body(String.class);

		assertThat(statuses).as("the traffic was served and limited")
			.contains(HttpStatus.OK, HttpStatus.TOO_MANY_REQUESTS)
			.allMatch((status) -> status.value() == 200 || status.value() == 429);
		assertThat(output.getAll()).as("the scenario ran")
			.contains("Redis is unavailable", "Redis answers again", "could not be decoded");
		assertThat(this.context.getBean(TieredCaches.class).get("products").statistics().l2Hits())
			.as("Redis was in use").isPositive();

		List<String> secrets = List.of(PASSWORD, CLIENT_ADDRESS, OTHER_CLIENT_ADDRESS, "2001:db8:beef::173", API_KEY,
				KEY_MARKER, VALUE_MARKER, DECODE_MARKER, "LeakCheck");
		assertNoneIn("the log", output.getAll(), secrets);
		assertNoneIn("health during the outage", healthDuringOutage, secrets);
		assertNoneIn("health", health, secrets);
		assertNoneIn("the tiergate endpoint during the outage", endpointDuringOutage, secrets);
		assertNoneIn("the tiergate endpoint", endpoint, secrets);
		assertNoneIn("the meters", meters(this.context.getBean(MeterRegistry.class)), secrets);
	}

	private void traffic(Catalog catalog, List<HttpStatusCode> statuses) {
		for (int i = 0; i < 4; i++) {
			statuses.add(this.client.get()
				.uri("/leak/ip")
				.header("X-Forwarded-For", "10.9.9.9, " + CLIENT_ADDRESS)
				.retrieve()
				.toBodilessEntity()
				.getStatusCode());
			statuses.add(this.client.get()
				.uri("/leak/ip")
				.header("Forwarded", "for=\"[" + OTHER_CLIENT_ADDRESS + "]:4711\";proto=https")
				.retrieve()
				.toBodilessEntity()
				.getStatusCode());
			statuses.add(this.client.get()
				.uri("/leak/api")
				.header("X-Api-Key", API_KEY)
				.retrieve()
				.toBodilessEntity()
				.getStatusCode());
			statuses.add(this.client.get()
				.uri("/leak/label?name={name}", KEY_MARKER + "-" + i)
				.retrieve()
				.toBodilessEntity()
				.getStatusCode());
		}
		catalog.find(7);
		catalog.label(KEY_MARKER, VALUE_MARKER);
		catalog.search(KEY_MARKER, 10);
		this.context.getBean(TieredCaches.class).get("products").clearL1();
		catalog.find(7);
		catalog.delete(7);
	}

	private static String meters(MeterRegistry registry) {
		StringBuilder text = new StringBuilder();
		for (Meter meter : registry.getMeters()) {
			Meter.Id id = meter.getId();
			text.append(id.getName()).append(' ').append(id.getDescription()).append(' ').append(id.getBaseUnit());
			for (Tag tag : id.getTags()) {
				text.append(' ').append(tag.getKey()).append('=').append(tag.getValue());
			}
			text.append('\n');
		}
		assertThat(text).as("meters").contains("tiergate.cache.gets", "tiergate.ratelimit.checks");
		return text.toString();
	}

	private static void assertNoneIn(String where, String text, List<String> secrets) {
		assertThat(text).as(where).isNotNull();
		for (String secret : secrets) {
			int at = text.indexOf(secret);
			assertThat(at).as("%s contains %s: ...%s...", where, secret,
					(at < 0) ? "" : text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 200)))
				.isEqualTo(-1);
		}
	}

	/**
	 * Cached and rate-limited endpoints, as a user would write them.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class LeakApplication {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		LeakController leakController(Catalog catalog) {
			return new LeakController(catalog);
		}

	}

	@RestController
	static class LeakController {

		private final Catalog catalog;

		LeakController(Catalog catalog) {
			this.catalog = catalog;
		}

		@GetMapping("/leak/ip")
		@RateLimited("by-ip")
		String ip() {
			return "ok";
		}

		@GetMapping("/leak/api")
		@RateLimited("by-key")
		String api() {
			return "ok";
		}

		@GetMapping("/leak/label")
		String label(@RequestParam String name) {
			return this.catalog.label(name);
		}

	}

}
