package dev.tiergate.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} process of its own for a test, listening on a loopback port,
 * with no persistence, so that a test can stop, restart, pause or block it without
 * disturbing other tests.
 * <p>
 * The server is started with {@code --port <port> --bind 127.0.0.1 --save "" --appendonly
 * no --protected-mode no}, plus {@code --enable-debug-command yes} from Redis 7 on (older
 * versions allow {@code DEBUG} anyway and do not know the option), plus the extra
 * arguments given. It runs in a temporary directory, which also keeps its output for
 * failure messages. Processes still running when the JVM exits are killed by a shutdown
 * hook.
 *
 * @see TestRedis#startPrivate(String...)
 */
public final class RedisProcess implements AutoCloseable {

	private static final String LOOPBACK = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);

	private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);

	private static final int PORT_ATTEMPTS = 3;

	private static final int OUTPUT_IN_MESSAGES = 4000;

	private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

	private static final Map<Path, String> versions = new ConcurrentHashMap<>();

	private static final Set<RedisProcess> live = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> live.forEach(RedisProcess::close), "tiergate-redis-shutdown"));
	}

	private final Path binary;

	private final String version;

	private final int port;

	private final RedisEndpoint endpoint;

	private final List<String> command;

	private final Path directory;

	private final Path output;

	private volatile @Nullable Process process;

	private volatile boolean closed;

	private boolean frozen;

	private RedisProcess(Path binary, String version, int port, @Nullable String sentinelConfig, String... extraArgs) {
		this.binary = binary;
		this.version = version;
		this.port = port;
		this.endpoint = new RedisEndpoint(LOOPBACK, port);
		try {
			this.directory = Files.createTempDirectory("tiergate-redis-" + port + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a directory for redis-server", ex);
		}
		this.output = this.directory.resolve("redis-server.out");
		List<String> command = new ArrayList<>(List.of(binary.toString()));
		if (sentinelConfig != null) {
			// Sentinel wants its configuration file first, and rewrites it as it learns the topology.
			Path config = this.directory.resolve("sentinel.conf");
			try {
				Files.writeString(config, sentinelConfig, StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot write " + config, ex);
			}
			command.addAll(List.of(config.toString(), "--sentinel"));
		}
		command.addAll(List.of("--port", Integer.toString(port), "--bind", LOOPBACK, "--save", "", "--appendonly",
				"no", "--protected-mode", "no"));
		if (majorVersion(version) >= 7) {
			command.addAll(List.of("--enable-debug-command", "yes"));
		}
		command.addAll(Arrays.asList(extraArgs));
		this.command = List.copyOf(command);
	}

	/**
	 * Starts a server from the given binary on a free loopback port and waits until it
	 * answers {@code PING}.
	 * @param binary the {@code redis-server} executable
	 * @param extraArgs further arguments, for example {@code "--maxmemory", "10mb"}
	 * @return the running server
	 * @throws IllegalStateException when the binary cannot be run, or the server does not
	 * answer within 10 seconds; the message has the server's output
	 */
	public static RedisProcess start(Path binary, String... extraArgs) {
		return startProcess(binary, null, extraArgs);
	}

	/**
	 * Starts a Sentinel ({@code redis-server <config> --sentinel}) from the given binary
	 * on a free loopback port and waits until it answers {@code PING}. The configuration
	 * is written to a file in the process's directory, which Sentinel rewrites as it
	 * learns the topology.
	 * @param binary the {@code redis-server} executable
	 * @param config the Sentinel configuration, for example
	 * {@code sentinel monitor mymaster 127.0.0.1 6379 2}, without the port
	 * @return the running Sentinel
	 * @throws IllegalStateException when the binary cannot be run, or Sentinel does not
	 * answer within 10 seconds; the message has its output
	 */
	public static RedisProcess startSentinel(Path binary, String config) {
		return startProcess(binary, config);
	}

	private static RedisProcess startProcess(Path binary, @Nullable String sentinelConfig, String... extraArgs) {
		String version = version(binary);
		IllegalStateException failure = null;
		// Another process may take the free port before redis-server binds it.
		for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
			RedisProcess redis = new RedisProcess(binary, version, freePort(), sentinelConfig, extraArgs);
			try {
				redis.start();
				return redis;
			}
			catch (IllegalStateException ex) {
				boolean portTaken = redis.output().contains("Address already in use");
				redis.close();
				if (!portTaken) {
					throw ex;
				}
				failure = ex;
			}
		}
		throw failure;
	}

	/**
	 * Returns the version of a {@code redis-server} binary, from its {@code --version}
	 * output.
	 * @param binary the executable
	 * @return the version, for example {@code 7.0.15}
	 * @throws IllegalStateException when the binary cannot be run or its output is not
	 * understood
	 */
	static String version(Path binary) {
		return versions.computeIfAbsent(binary.toAbsolutePath(), RedisProcess::readVersion);
	}

	/**
	 * Returns the address of this server.
	 * @return the endpoint, on 127.0.0.1 without credentials
	 */
	public RedisEndpoint endpoint() {
		return this.endpoint;
	}

	/**
	 * Returns the port of this server, the same across restarts.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the version of this server, as reported by {@code redis-server --version}.
	 * @return the version, for example {@code 7.0.15}
	 */
	public String version() {
		return this.version;
	}

	/**
	 * Returns the executable this server runs.
	 * @return the {@code redis-server} binary
	 */
	public Path binary() {
		return this.binary;
	}

	/**
	 * Starts the server again on the same port after {@link #stop()}, with no data, and
	 * waits until it answers {@code PING}. Does nothing when it is running.
	 * @throws IllegalStateException when the server does not answer within 10 seconds, or
	 * this process was closed
	 */
	public synchronized void start() {
		if (this.closed) {
			throw new IllegalStateException(this + " is closed");
		}
		if (isRunning()) {
			return;
		}
		Process started;
		try {
			started = new ProcessBuilder(this.command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.output.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + this.binary + ": " + ex.getMessage(), ex);
		}
		this.process = started;
		live.add(this);
		awaitAnswer(started);
	}

	/**
	 * Kills the server ({@code SIGKILL}, so it has no chance to answer or clean up) and
	 * waits until it has exited. Connections to it are then refused. Does nothing when it
	 * is not running.
	 */
	public synchronized void stop() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.descendants().forEach(ProcessHandle::destroyForcibly);
		running.destroyForcibly();
		try {
			if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(this + " has not exited " + STOP_TIMEOUT + " after being killed");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for " + this + " to exit", ex);
		}
		this.process = null;
	}

	/**
	 * Returns whether the server process is alive.
	 * @return whether it is running
	 */
	public boolean isRunning() {
		Process running = this.process;
		return running != null && running.isAlive();
	}

	/**
	 * Freezes the server process with {@code SIGSTOP}, as a stalled host or a long GC-like
	 * pause would: connections stay open and commands are accepted by the kernel, but
	 * nothing is answered until {@link #thaw()}. {@link #close()} thaws it first.
	 * @throws IllegalStateException when the server is not running or cannot be signalled
	 */
	public synchronized void freeze() {
		signal("STOP");
		this.frozen = true;
	}

	/**
	 * Lets a {@linkplain #freeze() frozen} server run again ({@code SIGCONT}); it then
	 * answers the commands it received meanwhile.
	 * @throws IllegalStateException when the server is not running or cannot be signalled
	 */
	public synchronized void thaw() {
		signal("CONT");
		this.frozen = false;
	}

	private void signal(String name) {
		Process running = this.process;
		if (running == null || !running.isAlive()) {
			throw new IllegalStateException(this + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(running.pid()))
				.redirectErrorStream(true)
				.start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!kill.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + name + " " + running.pid() + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run kill -" + name + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling " + this, ex);
		}
	}

	/**
	 * Pauses all clients with {@code CLIENT PAUSE <ms> ALL}: until the pause ends, the
	 * server holds every command, reads included, and answers it afterwards. Returns as
	 * soon as the pause has begun.
	 * @param duration how long the pause lasts
	 * @throws IllegalStateException when the server refuses the command
	 */
	public void clientPause(Duration duration) {
		try (RespConnection connection = RespConnection.open(this.endpoint, COMMAND_TIMEOUT, COMMAND_TIMEOUT)) {
			connection.command("CLIENT", "PAUSE", Long.toString(duration.toMillis()), "ALL");
		}
		catch (IOException ex) {
			throw new IllegalStateException("CLIENT PAUSE failed on " + this + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Blocks the whole server with {@code DEBUG SLEEP}, as a slow command or a stalled
	 * server would, without blocking the caller: the command is written before this
	 * method returns, and its reply is read on another thread.
	 * @param duration how long the server sleeps, to the millisecond
	 * @return a future completed when the server has replied, that is once it is awake
	 * @throws IllegalStateException when the command cannot be sent
	 */
	public CompletableFuture<Void> debugSleep(Duration duration) {
		String seconds = BigDecimal.valueOf(duration.toMillis(), 3).toPlainString();
		RespConnection connection;
		try {
			connection = RespConnection.open(this.endpoint, COMMAND_TIMEOUT, duration.plus(COMMAND_TIMEOUT));
			try {
				connection.send("DEBUG", "SLEEP", seconds);
			}
			catch (IOException ex) {
				connection.close();
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("DEBUG SLEEP failed on " + this + ": " + ex.getMessage(), ex);
		}
		CompletableFuture<Void> awake = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (connection) {
				connection.read();
				awake.complete(null);
			}
			catch (Throwable ex) {
				awake.completeExceptionally(ex);
			}
		}, "tiergate-redis-debug-sleep-" + this.port);
		reader.setDaemon(true);
		reader.start();
		return awake;
	}

	/**
	 * Sends one command on a connection of its own and returns its reply, for example to
	 * set up a Cluster or ask a Sentinel.
	 * @param command the command and its arguments
	 * @return the reply: a {@code String} for a status or a bulk string, a {@code Long}, a
	 * {@code List} or {@code null}
	 * @throws IllegalStateException when the server cannot be reached, does not answer
	 * within 5 seconds or replies with an error; the message names the command but not its
	 * further arguments
	 */
	public @Nullable Object command(String... command) {
		try (RespConnection connection = RespConnection.open(this.endpoint, COMMAND_TIMEOUT, COMMAND_TIMEOUT)) {
			return connection.command(command);
		}
		catch (IOException ex) {
			// CLUSTER ADDSLOTS has a thousand arguments: name the command only.
			throw new IllegalStateException(command[0] + ((command.length > 1) ? " " + command[1] : "")
					+ " failed on " + this + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Sends one command on a connection of its own and returns the reply as Redis sent
	 * it, for example {@code +OK}, {@code :0} or {@code $-1} for no value.
	 * @param command the command and its arguments
	 * @return the raw reply without its final CRLF, or {@code null} when the server cannot
	 * be reached or does not answer within 5 seconds
	 */
	public @Nullable String send(String... command) {
		try (RespConnection connection = RespConnection.open(this.endpoint, COMMAND_TIMEOUT, COMMAND_TIMEOUT)) {
			connection.send(command);
			return connection.readRaw();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Stops the server and deletes its directory. The process cannot be started again.
	 */
	@Override
	public synchronized void close() {
		try {
			if (this.frozen && isRunning()) {
				thaw();
			}
			stop();
		}
		finally {
			this.closed = true;
			live.remove(this);
			deleteDirectory();
		}
	}

	@Override
	public String toString() {
		return "redis-server " + this.version + " on port " + this.port + " (" + this.binary + ")";
	}

	private void awaitAnswer(Process started) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		IOException lastFailure = null;
		try {
			while (true) {
				if (!started.isAlive()) {
					this.process = null;
					throw new IllegalStateException(this + " exited with code " + started.exitValue()
							+ " while starting. Its output:\n" + output());
				}
				try {
					RespConnection.ping(this.endpoint, PROBE_TIMEOUT);
					return;
				}
				catch (IOException ex) {
					lastFailure = ex;
				}
				if (System.nanoTime() - deadline >= 0) {
					stop();
					throw new IllegalStateException(this + " did not answer PING within " + STARTUP_TIMEOUT
							+ " (last attempt: " + lastFailure + "). Its output:\n" + output());
				}
				// Waiting for the process also notices at once that it has died.
				started.waitFor(PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			stop();
			throw new IllegalStateException("Interrupted while waiting for " + this + " to start", ex);
		}
	}

	private String output() {
		try {
			String text = Files.readString(this.output, StandardCharsets.UTF_8);
			return (text.length() <= OUTPUT_IN_MESSAGES) ? text
					: "..." + text.substring(text.length() - OUTPUT_IN_MESSAGES);
		}
		catch (IOException ex) {
			return "(no output: " + ex + ")";
		}
	}

	private void deleteDirectory() {
		if (!Files.exists(this.directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A directory left behind in the temporary folder is no reason to fail a test.
		}
	}

	private static String readVersion(Path binary) {
		Process process;
		try {
			process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + binary + ": " + ex.getMessage(), ex);
		}
		try {
			// The output is one line, well within the pipe's buffer, so it can be read at the end.
			if (!process.waitFor(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(binary + " --version did not exit within " + STARTUP_TIMEOUT);
			}
			String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			Matcher matcher = VERSION.matcher(text);
			if (process.exitValue() != 0 || !matcher.find()) {
				throw new IllegalStateException(
						binary + " --version exited with code " + process.exitValue() + " and printed: " + text);
			}
			return matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the output of " + binary + " --version", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IllegalStateException("Interrupted while running " + binary + " --version", ex);
		}
	}

	private static int majorVersion(String version) {
		return Integer.parseInt(version.substring(0, version.indexOf('.')));
	}

	/**
	 * Returns a loopback port that is free now, for example for {@code --tls-port}.
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot find a free port", ex);
		}
	}

}
