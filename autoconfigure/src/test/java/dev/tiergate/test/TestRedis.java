package dev.tiergate.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Gives tests a real Redis. The shared one is found, once per JVM, in this order:
 * <ol>
 * <li>the URL in the environment variable {@value #URL_VARIABLE};</li>
 * <li>a {@code redis:7} container, when Docker is available;</li>
 * <li>a {@code redis-server} on the {@code PATH};</li>
 * <li>the Redis 6.2 binary inside the {@code com.github.codemonstur:embedded-redis}
 * artifact.</li>
 * </ol>
 * If none can be had, {@link #shared()} throws, saying what was tried: a Redis test fails,
 * it never skips. Private servers ({@link #startPrivate}) always run a local binary,
 * because tests kill and restart them on the same port.
 */
public final class TestRedis {

	/** Environment variable naming a Redis to use instead of starting one. */
	public static final String URL_VARIABLE = "TIERGATE_TEST_REDIS_URL";

	private static RedisEndpoint shared;

	private static Path embeddedBinary;

	private TestRedis() {
	}

	/**
	 * Returns the Redis shared by all tests of this JVM, starting it on first use. Tests
	 * sharing it use their own keys, or clean up what they wrote.
	 * @return the endpoint
	 */
	public static synchronized RedisEndpoint shared() {
		if (shared == null) {
			shared = findShared();
		}
		return shared;
	}

	/**
	 * Starts a Redis of the caller's own, which it may stop, restart and pause; the
	 * caller closes it.
	 * @param extraArgs further {@code redis-server} arguments
	 * @return the running server
	 */
	public static RedisProcess startPrivate(String... extraArgs) {
		return RedisProcess.start(redisServerBinary(), extraArgs);
	}

	/**
	 * Returns the local {@code redis-server}: the one on the {@code PATH}, else the
	 * embedded one.
	 * @return the binary
	 */
	public static Path redisServerBinary() {
		Path onPath = findOnPath();
		return (onPath != null) ? onPath : embeddedRedisBinary();
	}

	/**
	 * Returns the Redis 6.2 binary of the embedded-redis artifact, extracted once, so a
	 * test can check that tiergate works on the oldest Redis it supports.
	 * @return the binary
	 */
	public static synchronized Path embeddedRedisBinary() {
		if (embeddedBinary == null) {
			embeddedBinary = extractEmbeddedBinary();
		}
		return embeddedBinary;
	}

	private static RedisEndpoint findShared() {
		List<String> tried = new ArrayList<>();
		String url = System.getenv(URL_VARIABLE);
		if (url != null && !url.isBlank()) {
			RedisEndpoint endpoint = RedisEndpoint.parse(url.strip());
			announce(URL_VARIABLE, endpoint);
			return endpoint;
		}
		tried.add(URL_VARIABLE + " is not set");
		try {
			if (DockerClientFactory.instance().isDockerAvailable()) {
				GenericContainer<?> container = new GenericContainer<>("redis:7").withExposedPorts(6379);
				container.start();
				Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "tiergate-test-redis-stop"));
				RedisEndpoint endpoint = new RedisEndpoint(container.getHost(), container.getMappedPort(6379));
				announce("Testcontainers redis:7", endpoint);
				return endpoint;
			}
			tried.add("Docker is not available");
		}
		catch (Throwable ex) {
			tried.add("Testcontainers failed: " + ex);
		}
		Path onPath = findOnPath();
		if (onPath != null) {
			try {
				return startShared(onPath, "redis-server on the PATH");
			}
			catch (RuntimeException ex) {
				tried.add(onPath + " failed: " + ex.getMessage());
			}
		}
		else {
			tried.add("no redis-server on the PATH");
		}
		try {
			return startShared(embeddedRedisBinary(), "embedded-redis binary");
		}
		catch (RuntimeException ex) {
			tried.add("the embedded-redis binary failed: " + ex.getMessage());
		}
		throw new IllegalStateException("No Redis for the tests: " + String.join("; ", tried)
				+ ". Set " + URL_VARIABLE + ", start Docker, or install redis-server.");
	}

	private static RedisEndpoint startShared(Path binary, String source) {
		RedisProcess process = RedisProcess.start(binary);
		Runtime.getRuntime().addShutdownHook(new Thread(process::close, "tiergate-test-redis-stop"));
		announce(source + " " + process.version(), process.endpoint());
		return process.endpoint();
	}

	private static void announce(String source, RedisEndpoint endpoint) {
		System.err.println("tiergate tests use Redis at " + endpoint + " (" + source + ")");
	}

	private static Path findOnPath() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static Path extractEmbeddedBinary() {
		String resource = embeddedResourceName();
		try (InputStream in = TestRedis.class.getResourceAsStream("/" + resource)) {
			if (in == null) {
				throw new IllegalStateException("The embedded-redis artifact has no " + resource
						+ " (is com.github.codemonstur:embedded-redis on the test class path?)");
			}
			Path binary = Files.createTempFile("tiergate-" + resource, "");
			Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
			if (!binary.toFile().setExecutable(true)) {
				throw new IllegalStateException("Cannot make " + binary + " executable");
			}
			binary.toFile().deleteOnExit();
			return binary;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot extract " + resource, ex);
		}
	}

	private static String embeddedResourceName() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.contains("aarch64") || arch.contains("arm64");
		if (os.contains("linux")) {
			return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
		}
		if (os.contains("mac")) {
			return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
		}
		throw new IllegalStateException("embedded-redis ships no Redis 6.2 binary for " + os + "/" + arch);
	}

}
