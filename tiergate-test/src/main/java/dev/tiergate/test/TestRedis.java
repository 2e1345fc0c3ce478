package dev.tiergate.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Real Redis servers for tests. The {@linkplain #shared() shared} one is found once per
 * JVM, in this order:
 * <ol>
 * <li>the URL in the environment variable {@value #URL_VARIABLE}, used as it is;</li>
 * <li>a {@code redis:7} container, when Testcontainers finds Docker;</li>
 * <li>a {@code redis-server} on the {@code PATH};</li>
 * <li>the Redis 6.2 binary inside the {@code com.github.codemonstur:embedded-redis}
 * artifact.</li>
 * </ol>
 * If none can be had, {@link #shared()} throws, saying what was tried, why it failed and
 * what to install: a Redis test fails, it never skips. Servers started here are stopped
 * when the JVM exits.
 * <p>
 * A Spring Boot test points the application at the shared Redis with {@link #url()}; a
 * JUnit Jupiter test without Spring can take it as a parameter through
 * {@link TestRedisExtension}. A test that stops or pauses its Redis starts one of its
 * own with {@link #startPrivate(String...)}.
 */
public final class TestRedis {

	/** Environment variable with the URL of a Redis to use instead of starting one. */
	public static final String URL_VARIABLE = "TIERGATE_TEST_REDIS_URL";

	private static final String BINARY_NAME = "redis-server";

	private static final Duration URL_TIMEOUT = Duration.ofSeconds(5);

	private static final Object lock = new Object();

	private static volatile @Nullable RedisEndpoint shared;

	private static @Nullable IllegalStateException sharedFailure;

	private static @Nullable Path embeddedBinary;

	private TestRedis() {
	}

	/**
	 * Returns the Redis shared by all tests of this JVM, starting it on first use. Tests
	 * using it write under keys of their own, since with {@value #URL_VARIABLE} it may be
	 * shared with other JVMs and outlive them; they must not stop or flush it.
	 * @return the endpoint
	 * @throws IllegalStateException when no Redis could be had, saying what was tried;
	 * later calls throw the same
	 */
	public static RedisEndpoint shared() {
		RedisEndpoint endpoint = shared;
		if (endpoint != null) {
			return endpoint;
		}
		synchronized (lock) {
			if (shared == null) {
				// Trying everything again for each test class would only repeat the failure slowly.
				if (sharedFailure != null) {
					throw new IllegalStateException(sharedFailure.getMessage(), sharedFailure);
				}
				try {
					shared = findShared();
				}
				catch (IllegalStateException ex) {
					sharedFailure = ex;
					throw ex;
				}
			}
			return shared;
		}
	}

	/**
	 * Returns the URL of the {@linkplain #shared() shared} Redis, credentials included,
	 * for {@code spring.data.redis.url}:
	 * <pre>{@code
	 * @DynamicPropertySource
	 * static void redis(DynamicPropertyRegistry registry) {
	 *     registry.add("spring.data.redis.url", TestRedis::url);
	 * }
	 * }</pre>
	 * @return the URL, {@code redis://[[user:]password@]host:port}
	 * @throws IllegalStateException when no Redis could be had, saying what was tried
	 */
	public static String url() {
		return shared().uri();
	}

	/**
	 * Starts a new Redis of the caller's own on a free loopback port, which it may stop,
	 * restart, pause and block, and must close. A private server always runs a local
	 * binary ({@link #redisServerBinary()}), never a container or
	 * {@value #URL_VARIABLE}, because tests kill it and start it again on the same port.
	 * @param extraArgs further {@code redis-server} arguments, for example
	 * {@code "--maxmemory", "10mb"}
	 * @return the running server
	 * @throws IllegalStateException when no local binary is found or the server does not
	 * start
	 */
	public static RedisProcess startPrivate(String... extraArgs) {
		return RedisProcess.start(redisServerBinary(), extraArgs);
	}

	/**
	 * Returns the local {@code redis-server} binary: the one on the {@code PATH}, else the
	 * one of the embedded-redis artifact.
	 * @return the executable
	 * @throws IllegalStateException when there is neither
	 */
	public static Path redisServerBinary() {
		Path onPath = findOnPath();
		if (onPath != null) {
			return onPath;
		}
		try {
			return embeddedRedisBinary();
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("No redis-server on the PATH, and " + ex.getMessage(), ex);
		}
	}

	/**
	 * Returns the Redis 6.2 binary of the embedded-redis artifact for this platform,
	 * extracted once per JVM to a temporary file, whatever is on the {@code PATH}: a test
	 * can check with it that tiergate works with Redis 6.2.
	 * @return the executable
	 * @throws IllegalStateException when the artifact is missing, has no binary for this
	 * platform, or the binary cannot be extracted
	 */
	public static Path embeddedRedisBinary() {
		synchronized (lock) {
			if (embeddedBinary == null) {
				embeddedBinary = extractEmbeddedBinary();
			}
			return embeddedBinary;
		}
	}

	private static RedisEndpoint findShared() {
		// A lambda, not a method reference: RedisContainer loads Testcontainers only when it is tried.
		return find(System.getenv(URL_VARIABLE), () -> RedisContainer.startIfDockerAvailable(), findOnPath(),
				TestRedis::embeddedRedisBinary);
	}

	/**
	 * Finds a Redis from the given sources, in the order of the class's description.
	 * @param url the value of {@value #URL_VARIABLE}, or {@code null}
	 * @param container starts a container, or returns {@code null} when there is no Docker
	 * @param onPath the {@code redis-server} on the {@code PATH}, or {@code null}
	 * @param embedded returns the embedded-redis binary
	 * @return the endpoint
	 * @throws IllegalStateException when no source gives one, saying what each did and
	 * what to install
	 */
	static RedisEndpoint find(@Nullable String url, Supplier<@Nullable RedisEndpoint> container,
			@Nullable Path onPath, Supplier<Path> embedded) {
		if (url != null && !url.isBlank()) {
			return useUrl(url);
		}
		List<String> failures = new ArrayList<>();
		failures.add(URL_VARIABLE + " not set");
		try {
			RedisEndpoint endpoint = container.get();
			if (endpoint != null) {
				announce(endpoint, RespConnection.serverVersion(endpoint, URL_TIMEOUT),
						"a " + RedisContainer.IMAGE + " container");
				return endpoint;
			}
			failures.add("Docker not available");
		}
		catch (Throwable ex) {
			// Also when Testcontainers is not on the class path (NoClassDefFoundError).
			failures.add(RedisContainer.IMAGE + " container failed: " + brief(ex));
		}
		if (onPath == null) {
			failures.add("no redis-server on the PATH");
		}
		else {
			try {
				return startShared(onPath, "redis-server on the PATH");
			}
			catch (RuntimeException ex) {
				failures.add("redis-server on the PATH (" + onPath + ") failed: " + ex.getMessage());
			}
		}
		try {
			return startShared(embedded.get(), "the embedded-redis binary");
		}
		catch (RuntimeException ex) {
			failures.add("embedded binary failed: " + ex.getMessage());
		}
		throw new IllegalStateException("No Redis for the tests: " + String.join("; ", failures)
				+ ". Install redis-server 6.2 or later on the PATH (Debian, Ubuntu: apt-get install redis-server;"
				+ " macOS: brew install redis), or make Docker available to Testcontainers, or set " + URL_VARIABLE
				+ " to the URL of a Redis.");
	}

	private static String brief(Throwable ex) {
		// Some Docker failures describe the whole class path.
		String text = ex.toString().lines().findFirst().orElse("");
		return (text.length() <= 300) ? text : text.substring(0, 300) + "...";
	}

	private static RedisEndpoint useUrl(String url) {
		RedisEndpoint endpoint;
		try {
			endpoint = RedisEndpoint.parse(url);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(URL_VARIABLE + " is set but not usable: " + ex.getMessage(), ex);
		}
		try {
			announce(endpoint, RespConnection.serverVersion(endpoint, URL_TIMEOUT), URL_VARIABLE);
			return endpoint;
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"The Redis of " + URL_VARIABLE + " (" + endpoint + ") cannot be used: " + ex.getMessage(), ex);
		}
	}

	private static RedisEndpoint startShared(Path binary, String source) {
		RedisProcess process = RedisProcess.start(binary);
		announce(process.endpoint(), process.version(), source + " (" + binary + ")");
		return process.endpoint();
	}

	private static void announce(RedisEndpoint endpoint, String version, String source) {
		System.err.println("tiergate tests: Redis " + version + " at " + endpoint + ", from " + source);
	}

	private static @Nullable Path findOnPath() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			if (!directory.isEmpty()) {
				Path candidate = Path.of(directory, BINARY_NAME);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return null;
	}

	private static Path extractEmbeddedBinary() {
		String resource = embeddedResourceName();
		try (InputStream in = TestRedis.class.getResourceAsStream("/" + resource)) {
			if (in == null) {
				throw new IllegalStateException("there is no " + resource
						+ " on the class path (is com.github.codemonstur:embedded-redis a test dependency?)");
			}
			Path binary = Files.createTempFile("tiergate-" + resource + "-", "");
			binary.toFile().deleteOnExit();
			Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
			if (!binary.toFile().setExecutable(true, true)) {
				throw new IllegalStateException("cannot make " + binary + " executable");
			}
			return binary;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot extract " + resource + ": " + ex, ex);
		}
	}

	private static String embeddedResourceName() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		String system = os.contains("linux") ? "linux" : (os.contains("mac") || os.contains("darwin")) ? "darwin" : os;
		String cpu = switch (arch) {
			case "amd64", "x86_64" -> "amd64";
			case "aarch64", "arm64" -> "arm64";
			case "x86", "i386", "i486", "i586", "i686" -> "386";
			default -> arch;
		};
		return switch (system + "-" + cpu) {
			case "linux-amd64" -> "redis-server-6.2.6-v5-linux-amd64";
			case "linux-arm64" -> "redis-server-6.2.7-linux-arm64";
			case "linux-386" -> "redis-server-6.2.7-linux-386";
			case "darwin-amd64" -> "redis-server-6.2.6-v5-darwin-amd64";
			case "darwin-arm64" -> "redis-server-6.2.6-v5-darwin-arm64";
			default -> throw new IllegalStateException("embedded-redis has no Redis 6.2 binary for " + os + "/" + arch);
		};
	}

}
