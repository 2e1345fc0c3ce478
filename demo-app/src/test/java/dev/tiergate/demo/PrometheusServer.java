package dev.tiergate.demo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server, Debian's {@code prometheus} package, for tests: started on a
 * free loopback port with a generated configuration that scrapes one target, storing in
 * a directory of the test's, and stopped by {@link #close()}. Without the binary the test
 * fails, saying what to install; it never skips.
 */
final class PrometheusServer implements AutoCloseable {

	private static final Path DEBIAN_BINARY = Path.of("/usr/bin/prometheus");

	private static final Duration STARTS_WITHIN = Duration.ofSeconds(60);

	private final Process process;

	private final RestClient client;

	private final Path log;

	private PrometheusServer(Process process, int port, Path log) {
		this.process = process;
		this.log = log;
		this.client = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	/**
	 * Starts Prometheus scraping {@code target} (host:port) at {@code metricsPath} every
	 * {@code scrapeInterval}, as job {@code job}.
	 */
	static PrometheusServer start(Path directory, String job, String target, String metricsPath,
			Duration scrapeInterval) throws IOException {
		Path binary = binary();
		String interval = scrapeInterval.toMillis() + "ms";
		Path config = directory.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: %1$s
				  evaluation_interval: %1$s
				scrape_configs:
				  - job_name: %2$s
				    metrics_path: %3$s
				    static_configs:
				      - targets: ["%4$s"]
				""".formatted(interval, job, metricsPath, target));
		int port = freePort();
		Path log = directory.resolve("prometheus.log");
		Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
				"--log.level=warn")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		PrometheusServer server = new PrometheusServer(process, port, log);
		try {
			await("Prometheus to be ready on port " + port + " (log: " + log + ")").atMost(STARTS_WITHIN)
				.pollInterval(Duration.ofMillis(250))
				.ignoreExceptions()
				.until(() -> {
					assertThat(process.isAlive()).as("Prometheus is running (log: %s)", log).isTrue();
					return server.client.get().uri("/-/ready").retrieve().toBodilessEntity()
						.getStatusCode()
						.is2xxSuccessful();
				});
		}
		catch (RuntimeException | Error ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	/** The {@code prometheus} on the {@code PATH}, else Debian's; the test fails without one. */
	static Path binary() {
		Optional<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.map((entry) -> Path.of(entry, "prometheus"))
			.filter(Files::isExecutable)
			.findFirst();
		Path binary = onPath.orElse(DEBIAN_BINARY);
		assertThat(Files.isExecutable(binary))
			.as("A Prometheus server is needed (no prometheus on the PATH nor at %s): apt-get install prometheus, "
					+ "or run the README's test command, which installs it", DEBIAN_BINARY)
			.isTrue();
		return binary;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** The {@code data.result} of an instant query ({@code /api/v1/query}) at {@code time}. */
	JsonNode query(String expression, Instant time) {
		return data(this.client.get()
			.uri((uri) -> uri.path("/api/v1/query")
				.queryParam("query", "{query}")
				.queryParam("time", "{time}")
				.build(expression, seconds(time)))
			.retrieve()
			.toEntity(JsonNode.class)
			.getBody(), expression);
	}

	/** The {@code data.result} of a range query ({@code /api/v1/query_range}), as a graph panel asks. */
	JsonNode queryRange(String expression, Instant start, Instant end, Duration step) {
		return data(this.client.get()
			.uri((uri) -> uri.path("/api/v1/query_range")
				.queryParam("query", "{query}")
				.queryParam("start", "{start}")
				.queryParam("end", "{end}")
				.queryParam("step", "{step}")
				.build(expression, seconds(start), seconds(end), step.toMillis() / 1000.0))
			.retrieve()
			.toEntity(JsonNode.class)
			.getBody(), expression);
	}

	/** The values of a label over the series that {@code match} selects ({@code /api/v1/label/.../values}). */
	List<String> labelValues(String label, String match) {
		JsonNode body = this.client.get()
			.uri((uri) -> uri.path("/api/v1/label/{label}/values").queryParam("match[]", "{match}").build(label, match))
			.retrieve()
			.toEntity(JsonNode.class)
			.getBody();
		assertThat(body.path("status").asString()).as("status of label values of %s for %s: %s", label, match, body)
			.isEqualTo("success");
		return body.path("data").valueStream().map(JsonNode::asString).toList();
	}

	private static JsonNode data(JsonNode body, String expression) {
		assertThat(body).as("answer to %s", expression).isNotNull();
		assertThat(body.path("status").asString()).as("status of %s: %s", expression, body).isEqualTo("success");
		return body.at("/data/result");
	}

	private static String seconds(Instant time) {
		return Double.toString(time.toEpochMilli() / 1000.0);
	}

	Path log() {
		return this.log;
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
