package dev.tiergate.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.jspecify.annotations.Nullable;

/**
 * A plain Lettuce client with which a test looks at what tiergate left in Redis, counts
 * the commands it sent, and plants bytes there. Keys are UTF-8 strings, values raw bytes.
 * On a {@linkplain #cluster(List) cluster}, commands go to the node of their key,
 * {@code SCAN} and {@code FLUSHALL} cover every master, and command counts add up the
 * masters.
 */
public final class RedisProbe implements AutoCloseable {

	private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

	private static final int SCAN_COUNT = 1000;

	private final AbstractRedisClient client;

	private final StatefulConnection<String, byte[]> connection;

	private final RedisClusterCommands<String, byte[]> commands;

	/**
	 * Connects to a Redis.
	 * @param endpoint where it listens
	 * @throws io.lettuce.core.RedisConnectionException when it cannot be reached
	 */
	public RedisProbe(RedisEndpoint endpoint) {
		RedisURI uri = RedisURI.create(endpoint.uri());
		uri.setTimeout(TIMEOUT);
		RedisClient standalone = RedisClient.create(uri);
		this.client = standalone;
		try {
			StatefulRedisConnection<String, byte[]> connected = standalone.connect(CODEC);
			this.connection = connected;
			this.commands = connected.sync();
		}
		catch (RuntimeException ex) {
			this.client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
			throw ex;
		}
	}

	private RedisProbe(RedisClusterClient cluster) {
		this.client = cluster;
		try {
			StatefulRedisClusterConnection<String, byte[]> connected = cluster.connect(CODEC);
			connected.setTimeout(TIMEOUT);
			this.connection = connected;
			this.commands = connected.sync();
		}
		catch (RuntimeException ex) {
			this.client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
			throw ex;
		}
	}

	/**
	 * Connects to a Redis Cluster.
	 * @param seeds some of its nodes
	 * @return the probe
	 * @throws io.lettuce.core.RedisConnectionException when it cannot be reached
	 */
	public static RedisProbe cluster(List<RedisEndpoint> seeds) {
		List<RedisURI> uris = seeds.stream().map((seed) -> {
			RedisURI uri = RedisURI.create(seed.uri());
			uri.setTimeout(TIMEOUT);
			return uri;
		}).toList();
		return new RedisProbe(RedisClusterClient.create(uris));
	}

	/**
	 * Returns the synchronous commands of this probe's connection, for anything the other
	 * methods do not cover.
	 * @return the commands
	 */
	public RedisClusterCommands<String, byte[]> commands() {
		return this.commands;
	}

	/**
	 * Sends {@code PING}.
	 * @return the reply, {@code PONG}
	 */
	public String ping() {
		return this.commands.ping();
	}

	/**
	 * Returns how often the server ran a command since it started or since the last
	 * {@link #resetStats()}, from {@code INFO commandstats}. A command that Redis 7 counts
	 * by subcommand ({@code cmdstat_client|pause}) can be named with its subcommand
	 * ({@code client|pause}) or alone, which adds up its subcommands.
	 * @param command the command, in any case, for example {@code get}
	 * @return the number of calls, {@code 0} when it never ran
	 */
	public long commandCount(String command) {
		String name = command.toLowerCase(Locale.ROOT);
		Map<String, Long> calls = commandStats();
		Long count = calls.get(name);
		if (count != null) {
			return count;
		}
		return calls.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith(name + "|"))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	/**
	 * Returns how many commands the server ran, all commands together, except the given
	 * ones, for example to check that an operation sent no command at all. The probe's own
	 * commands count too, {@code INFO} for example: name them to leave them out.
	 * @param ignored the commands not to count, in any case; a command alone also leaves out
	 * its subcommands
	 * @return the number of calls
	 */
	public long totalCommandsExcluding(String... ignored) {
		Set<String> left = Arrays.stream(ignored)
			.map((command) -> command.toLowerCase(Locale.ROOT))
			.collect(Collectors.toSet());
		return commandStats().entrySet()
			.stream()
			.filter((entry) -> !left.contains(entry.getKey())
					&& !left.contains(entry.getKey().substring(0, commandLength(entry.getKey()))))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	/**
	 * Resets the server's statistics, command counts included ({@code CONFIG RESETSTAT}).
	 */
	public void resetStats() {
		forEachMaster((node) -> node.configResetstat());
	}

	/**
	 * Returns the remaining time to live of a key ({@code PTTL}).
	 * @param key the key
	 * @return the time to live in milliseconds, {@code -1} when the key does not expire,
	 * {@code -2} when there is no such key
	 */
	public long pttl(String key) {
		return this.commands.pttl(key);
	}

	/**
	 * Returns whether a key exists.
	 * @param key the key
	 * @return whether it exists
	 */
	public boolean exists(String key) {
		return this.commands.exists(key) > 0;
	}

	/**
	 * Returns the value of a key.
	 * @param key the key
	 * @return the value, or {@code null} when there is no such key
	 */
	public byte @Nullable [] get(String key) {
		return this.commands.get(key);
	}

	/**
	 * Sets the value of a key, without expiry.
	 * @param key the key
	 * @param value the value
	 */
	public void set(String key, byte[] value) {
		this.commands.set(key, value);
	}

	/**
	 * Returns the keys matching a glob-style pattern, iterating with {@code SCAN} (never
	 * {@code KEYS}).
	 * @param pattern the pattern, for example {@code products:*}
	 * @return the keys, sorted, each once
	 */
	public List<String> scanKeys(String pattern) {
		// SCAN may return a key more than once.
		Set<String> keys = new TreeSet<>();
		ScanIterator<String> iterator = ScanIterator.scan(this.commands,
				ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT));
		while (iterator.hasNext()) {
			keys.add(iterator.next());
		}
		return new ArrayList<>(keys);
	}

	/**
	 * Deletes every key of every database ({@code FLUSHALL}). Only for a private server:
	 * the shared one may serve other tests at the same time.
	 */
	public void flushAll() {
		this.commands.flushall();
	}

	/**
	 * Closes the connection and shuts the client down, waiting at most two seconds.
	 */
	@Override
	public void close() {
		try {
			this.connection.close();
		}
		finally {
			this.client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
		}
	}

	private Map<String, Long> commandStats() {
		Map<String, Long> calls = new HashMap<>();
		List<String> infos = new ArrayList<>();
		forEachMaster((node) -> infos.add(node.info("commandstats")));
		for (String line : String.join("\n", infos).split("\r?\n")) {
			// For example cmdstat_get:calls=3,usec=12,usec_per_call=4.00,...
			int colon = line.indexOf(':');
			if (line.startsWith("cmdstat_") && colon != -1) {
				for (String field : line.substring(colon + 1).split(",")) {
					if (field.startsWith("calls=")) {
						calls.merge(line.substring("cmdstat_".length(), colon), Long.parseLong(field.substring(6)),
								Long::sum);
					}
				}
			}
		}
		return calls;
	}

	private void forEachMaster(java.util.function.Consumer<RedisClusterCommands<String, byte[]>> action) {
		if (this.connection instanceof StatefulRedisClusterConnection<String, byte[]> cluster) {
			// After a failover the probe's view of the masters may be out of date.
			((RedisClusterClient) this.client).refreshPartitions();
			for (RedisClusterNode node : cluster.getPartitions()) {
				if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)) {
					action.accept(cluster.getConnection(node.getNodeId()).sync());
				}
			}
		}
		else {
			action.accept(this.commands);
		}
	}

	private static int commandLength(String name) {
		int bar = name.indexOf('|');
		return (bar != -1) ? bar : name.length();
	}

}
