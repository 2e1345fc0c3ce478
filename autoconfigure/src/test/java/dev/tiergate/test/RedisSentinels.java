package dev.tiergate.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Sentinel group of local {@code redis-server} processes for tests: one master, one
 * replica and three Sentinels (a quorum of two) that watch the master under the name
 * {@value #MASTER_NAME}, each Sentinel from a configuration generated here. The smallest
 * group that fails over on its own when the master dies, on free loopback ports. Built
 * into {@code redis-server} ({@code --sentinel}), so it works with the Redis on the
 * {@code PATH} and with the embedded-redis 6.2 binary alike.
 */
public final class RedisSentinels implements RedisTopology, AutoCloseable {

	/** The name under which the Sentinels know the master. */
	public static final String MASTER_NAME = "tiergate";

	private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private final RedisProcess master;

	private final RedisProcess replica;

	private final List<RedisProcess> sentinels;

	private RedisSentinels(RedisProcess master, RedisProcess replica, List<RedisProcess> sentinels) {
		this.master = master;
		this.replica = replica;
		this.sentinels = List.copyOf(sentinels);
	}

	/**
	 * Starts a master, its replica and three Sentinels, and waits until the replica is in
	 * sync and every Sentinel knows the replica and the other Sentinels.
	 * @param binary the {@code redis-server} executable
	 * @param downAfter how long the master may be unreachable before a Sentinel considers
	 * it down ({@code down-after-milliseconds})
	 * @return the running group
	 * @throws IllegalStateException when a process does not start or the group does not
	 * form within 30 seconds
	 */
	public static RedisSentinels start(Path binary, Duration downAfter) {
		List<RedisProcess> started = new ArrayList<>();
		try {
			// Redis 7 waits 5 seconds by default for more replicas before a diskless sync.
			RedisProcess master = RedisProcess.start(binary, "--repl-diskless-sync-delay", "0");
			started.add(master);
			RedisProcess replica = RedisProcess.start(binary, "--repl-diskless-sync-delay", "0", "--replicaof",
					"127.0.0.1", Integer.toString(master.port()));
			started.add(replica);
			String config = String.join("\n", "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
					"sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfter.toMillis(),
					// A failover that stalls is retried after this long.
					"sentinel failover-timeout " + MASTER_NAME + " " + Math.max(1000, downAfter.toMillis() * 2),
					"sentinel parallel-syncs " + MASTER_NAME + " 1", "");
			List<RedisProcess> sentinels = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				RedisProcess sentinel = RedisProcess.startSentinel(binary, config);
				started.add(sentinel);
				sentinels.add(sentinel);
			}
			RedisSentinels group = new RedisSentinels(master, replica, sentinels);
			group.await("the replica in sync and every Sentinel to know the replica and the others",
					group::isFormed, FORMATION_TIMEOUT);
			return group;
		}
		catch (RuntimeException ex) {
			started.forEach(RedisProcess::close);
			throw ex;
		}
	}

	/**
	 * Returns the server started as the master.
	 * @return the first master
	 */
	public RedisProcess master() {
		return this.master;
	}

	/**
	 * Returns the server started as the replica, which Sentinel promotes when the master
	 * dies.
	 * @return the replica
	 */
	public RedisProcess replica() {
		return this.replica;
	}

	/**
	 * Returns the Sentinels.
	 * @return the three Sentinels
	 */
	public List<RedisProcess> sentinels() {
		return this.sentinels;
	}

	/**
	 * Returns the port of the master the Sentinels name now
	 * ({@code SENTINEL get-master-addr-by-name}), asking the first Sentinel that answers.
	 * @return the port, or {@code -1} when no Sentinel answers
	 */
	public int currentMasterPort() {
		for (RedisProcess sentinel : this.sentinels) {
			try {
				if (sentinel.command("SENTINEL", "get-master-addr-by-name", MASTER_NAME) instanceof List<?> address
						&& address.size() == 2) {
					return Integer.parseInt(String.valueOf(address.get(1)));
				}
			}
			catch (RuntimeException ex) {
				// Ask the next one.
			}
		}
		return -1;
	}

	@Override
	public Map<String, String> springProperties() {
		return Map.of("spring.data.redis.sentinel.master", MASTER_NAME, "spring.data.redis.sentinel.nodes",
				this.sentinels.stream().map((sentinel) -> "127.0.0.1:" + sentinel.port()).collect(Collectors.joining(",")));
	}

	@Override
	public RedisProbe probe() {
		int port = currentMasterPort();
		RedisProcess current = (port == this.replica.port()) ? this.replica : this.master;
		return new RedisProbe(current.endpoint());
	}

	@Override
	public void close() {
		this.sentinels.forEach(RedisProcess::close);
		this.replica.close();
		this.master.close();
	}

	@Override
	public String toString() {
		return "Redis Sentinel group '" + MASTER_NAME + "': master on " + this.master.port() + ", replica on "
				+ this.replica.port() + ", Sentinels on " + this.sentinels.stream()
					.map((sentinel) -> Integer.toString(sentinel.port()))
					.collect(Collectors.joining(", "));
	}

	private boolean isFormed() {
		String replication = this.replica.send("INFO", "replication");
		if (replication == null || !replication.contains("master_link_status:up")) {
			return false;
		}
		for (RedisProcess sentinel : this.sentinels) {
			Map<String, String> state = masterState(sentinel);
			if (!"1".equals(state.get("num-slaves")) || !"2".equals(state.get("num-other-sentinels"))) {
				return false;
			}
		}
		return true;
	}

	private static Map<String, String> masterState(RedisProcess sentinel) {
		try {
			Object reply = sentinel.command("SENTINEL", "master", MASTER_NAME);
			Map<String, String> fields = new HashMap<>();
			if (reply instanceof List<?> list) {
				for (int i = 0; i + 1 < list.size(); i += 2) {
					fields.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
				}
			}
			return fields;
		}
		catch (IllegalStateException ex) {
			return Map.of();
		}
	}

	private void await(String what, Condition condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.holds()) {
			if (System.nanoTime() - deadline >= 0) {
				throw new IllegalStateException("Waited " + timeout + " for " + what + " in " + this);
			}
			try {
				TimeUnit.NANOSECONDS.sleep(POLL_INTERVAL.toNanos());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + what, ex);
			}
		}
	}

	@FunctionalInterface
	private interface Condition {

		boolean holds();

	}

}
