package dev.tiergate.demo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo as Spring's AOT processing left it: {@code spring-boot:process-aot} (the
 * {@code aot} profile of demo-app/pom.xml, in the {@code prepare-package} phase) wrote
 * the bean definitions as code and the runtime hints, and this test, run by failsafe in
 * the {@code integration-test} phase, starts the processed application in a JVM of its own
 * with {@code -Dspring.aot.enabled=true} and its embedded Redis, then reads a cached
 * product twice and a product's reviews (Spring's {@code @Cacheable}) twice, exhausts the
 * {@code chat} tier and reads the health. This is the JVM with AOT, not a native image: no
 * GraalVM here.
 */
class DemoAotIT {

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private static final Path LOG = Path.of("target", "demo-aot.log");

	private static Process application;

	private static DemoClient demo;

	@BeforeAll
	static void startTheProcessedApplication() throws IOException {
		String classes = requiredProperty("demo.aot.classes");
		String classpath = Files.readString(Path.of(requiredProperty("demo.aot.classpath-file"))).strip();
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Dspring.aot.enabled=true");
		command.add("-cp");
		command.add(classes + File.pathSeparator + classpath);
		command.add(DemoApplication.class.getName());
		command.add("--server.port=" + port);
		command.add("--demo.backend-delay=20ms");
		command.add("--demo.llm-delay=1ms");
		// The test is a client behind a proxy on loopback, named in X-Forwarded-For.
		command.add("--tiergate.rate-limit.trusted-proxies=127.0.0.1,::1");
		Files.createDirectories(LOG.getParent());
		application = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(LOG.toFile()).start();
		demo = new DemoClient(port);
		await().atMost(STARTUP).pollInterval(Duration.ofMillis(250)).until(() -> {
			assertThat(application.isAlive()).as("the application is running; its output:%n%s", log()).isTrue();
			try {
				return demo.health().getStatusCode() == HttpStatus.OK;
			}
			catch (RuntimeException notListeningYet) {
				return false;
			}
		});
	}

	@AfterAll
	static void stopTheApplication() throws InterruptedException {
		if (application != null) {
			// SIGTERM: the context closes and stops the embedded Redis it started.
			application.destroy();
			if (!application.waitFor(30, TimeUnit.SECONDS)) {
				application.destroyForcibly();
			}
		}
	}

	@Test
	void startsFromTheGeneratedBeanDefinitions() throws IOException {
		assertThat(log()).contains("Starting AOT-processed DemoApplication");
	}

	@Test
	void aCachedProductIsAnL1HitTheSecondTime() {
		ResponseEntity<String> first = demo.product(1);
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(DemoClient.cacheSource(first)).isEqualTo("BACKEND");
		ResponseEntity<String> second = demo.product(1);
		assertThat(DemoClient.cacheSource(second)).isEqualTo("L1");
		assertThat(second.getBody()).isEqualTo(first.getBody());
	}

	@Test
	void reviewsOnSpringsCacheableAreAnL1HitTheSecondTime() {
		ResponseEntity<String> first = demo.get("/api/products/2/reviews");
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(DemoClient.cacheSource(first)).isEqualTo("BACKEND");
		ResponseEntity<String> second = demo.get("/api/products/2/reviews");
		assertThat(DemoClient.cacheSource(second)).isEqualTo("L1");
		assertThat(second.getBody()).isEqualTo(first.getBody()).contains("Even grind");
	}

	@Test
	void theChatTierAdmitsFiveThenAnswers429WithItsHeaders() throws Exception {
		for (int i = 0; i < 5; i++) {
			ResponseEntity<String> answer = demo.postAs("203.0.113.7", "/api/chat", new ChatRequest("Why AOT?"));
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(answer.getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("5");
			assertThat(answer.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
		}
		ResponseEntity<String> rejected = demo.postAs("203.0.113.7", "/api/chat", new ChatRequest("Why AOT?"));
		assertThat(rejected.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(rejected.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(rejected.getHeaders().getFirst("Retry-After")).isNotBlank();
		JsonNode problem = JsonMapper.builder().build().readTree(rejected.getBody());
		assertThat(problem.path("tier").asString()).isEqualTo("chat");
	}

	@Test
	void healthIsUpWithTiergateOnRedis() {
		ResponseEntity<JsonNode> health = demo.health();
		assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(health.getBody().path("status").asString()).isEqualTo("UP");
		assertThat(DemoClient.tiergateStatus(health)).isEqualTo("UP");
		assertThat(health.getBody().at("/components/tiergate/details/cacheMode").asString()).isEqualTo("TIERED");
		assertThat(health.getBody().at("/components/tiergate/details/rateLimitMode").asString())
			.isEqualTo("DISTRIBUTED");
	}

	@Test
	void theGeneratedHintsIncludeTiergatesAndTheCachedTypes() throws IOException {
		Path metadata = Path.of(requiredProperty("demo.aot.classes"),
				"META-INF/native-image/dev.tiergate/tiergate-demo-app/reachability-metadata.json");
		assertThat(metadata).exists();
		JsonNode hints = JsonMapper.builder().build().readTree(Files.readString(metadata));
		List<String> resources = new ArrayList<>();
		hints.path("resources").forEach((resource) -> resources.add(resource.path("glob").asString("")));
		assertThat(resources).contains("dev/tiergate/ratelimit/redis/token-bucket.lua");
		List<String> types = new ArrayList<>();
		hints.path("reflection").forEach((type) -> types.add(type.path("type").asString("")));
		assertThat(types).contains("dev.tiergate.cache.TieredCacheable", "dev.tiergate.ratelimit.RateLimited",
				"dev.tiergate.demo.Product", "dev.tiergate.demo.ChatRequest");
	}

	private static String log() throws IOException {
		return Files.exists(LOG) ? Files.readString(LOG, StandardCharsets.UTF_8) : "";
	}

	private static String requiredProperty(String name) {
		String value = System.getProperty(name);
		assertThat(value).as("system property %s, set by failsafe in demo-app/pom.xml", name).isNotBlank();
		return value;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
