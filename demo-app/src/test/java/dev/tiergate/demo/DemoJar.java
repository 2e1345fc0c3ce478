package dev.tiergate.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's executable jar, started with {@code java -jar} as a user starts it, on a
 * free port and with its embedded Redis, for the {@code *IT} tests that failsafe runs
 * after {@code package}. Its output goes to a log file beside the jar.
 */
final class DemoJar implements AutoCloseable {

	/** Set by failsafe (demo-app/pom.xml) to the jar that {@code package} made. */
	private static final String JAR_PROPERTY = "demo.jar";

	/** A cold start on a busy two-core machine. */
	private static final Duration STARTS_WITHIN = Duration.ofMinutes(2);

	private static final Duration STOPS_WITHIN = Duration.ofSeconds(30);

	private final Process process;

	private final int port;

	private final Path log;

	private DemoJar(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts the jar and waits until it answers {@code /actuator/health}.
	 * @param name what the log file is named after
	 * @param arguments further application arguments, such as {@code --demo.backend-delay=1ms}
	 * @return the running demo
	 */
	static DemoJar start(String name, String... arguments) throws IOException {
		Path jar = jar();
		int port = freePort();
		Path log = jar.resolveSibling(name + ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		DemoJar demo = new DemoJar(process, port, log);
		try {
			DemoClient client = demo.client();
			await("the demo jar to answer on port " + port + " (log: " + log + ")").atMost(STARTS_WITHIN)
				.pollInterval(Duration.ofMillis(250))
				.ignoreExceptions()
				.until(() -> {
					assertThat(process.isAlive()).as("the demo jar is running (log: %s)", log).isTrue();
					return client.health().getStatusCode().is2xxSuccessful();
				});
		}
		catch (RuntimeException | Error ex) {
			demo.close();
			throw ex;
		}
		return demo;
	}

	private static Path jar() {
		String configured = System.getProperty(JAR_PROPERTY);
		assertThat(configured).as("system property %s (set by failsafe: run these tests with mvn verify)", JAR_PROPERTY)
			.isNotBlank();
		Path jar = Path.of(configured);
		assertThat(jar).as("the demo's executable jar, made by mvn package").isRegularFile();
		return jar;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	int port() {
		return this.port;
	}

	DemoClient client() {
		return new DemoClient(this.port);
	}

	String logText() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Stops the demo as a terminal's Ctrl-C would, so that it stops its Redis too. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(STOPS_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(STOPS_WITHIN.toSeconds(), TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
