package dev.tiergate.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;

/**
 * A Redis Cluster of local {@code redis-server} processes for tests: a number of masters
 * that share the 16384 slots evenly, each with one replica, so that a test can kill a
 * master and see its replica promoted. Every node runs with
 * {@code --cluster-enabled yes} on a free loopback port in a directory of its own; the
 * slots are assigned with {@code CLUSTER ADDSLOTS} (Redis 6.2 has no
 * {@code ADDSLOTSRANGE}), the nodes are joined with {@code CLUSTER MEET} and
 * {@code CLUSTER REPLICATE}, and {@link #start} returns once every node reports
 * {@code cluster_state:ok} and every replica is in sync.
 * <p>
 * The {@linkplain #shared() shared} cluster serves every test of the JVM that does not
 * kill nodes; a test that does starts a cluster of its own and closes it.
 */
public final class RedisCluster implements RedisTopology, AutoCloseable {

	private static final int SLOTS = SlotHash.SLOT_COUNT;

	private static final int SLOTS_PER_COMMAND = 1000;

	private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private static final Object lock = new Object();

	private static volatile @Nullable RedisCluster shared;

	private final List<RedisProcess> masters;

	private final List<RedisProcess> replicas;

	private final Map<Integer, String> nodeIds;

	private RedisCluster(List<RedisProcess> masters, List<RedisProcess> replicas, Map<Integer, String> nodeIds) {
		this.masters = List.copyOf(masters);
		this.replicas = List.copyOf(replicas);
		this.nodeIds = Map.copyOf(nodeIds);
	}

	/**
	 * Returns the cluster shared by the tests of this JVM that do not kill nodes, starting
	 * it on first use: three masters with one replica each and a node timeout of one
	 * second. Its processes are killed when the JVM exits.
	 * @return the cluster
	 */
	public static RedisCluster shared() {
		RedisCluster cluster = shared;
		if (cluster != null) {
			return cluster;
		}
		synchronized (lock) {
			if (shared == null) {
				shared = start(TestRedis.redisServerBinary(), 3, Duration.ofSeconds(1));
				System.err.println("tiergate tests: " + shared);
			}
			return shared;
		}
	}

	/**
	 * Starts a cluster of the given number of masters, each with one replica, and waits
	 * until it serves every slot.
	 * @param binary the {@code redis-server} executable
	 * @param masterCount the number of masters, at least three (a failover needs a
	 * majority of masters)
	 * @param nodeTimeout how long a node may be unreachable before the others consider it
	 * failed, and its replica takes over
	 * @return the running cluster
	 * @throws IllegalStateException when a node does not start or the cluster does not form
	 * within 30 seconds
	 */
	public static RedisCluster start(Path binary, int masterCount, Duration nodeTimeout) {
		if (masterCount < 3) {
			throw new IllegalArgumentException("A cluster that can fail over needs at least 3 masters");
		}
		List<RedisProcess> started = new ArrayList<>();
		try {
			String[] args = { "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
					"--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()),
					// A replica that lost its master recently enough may always take over.
					"--cluster-replica-validity-factor", "0",
					// Redis 7 waits 5 seconds by default for more replicas before a diskless sync.
					"--repl-diskless-sync-delay", "0" };
			List<RedisProcess> masters = new ArrayList<>();
			List<RedisProcess> replicas = new ArrayList<>();
			for (int i = 0; i < masterCount * 2; i++) {
				RedisProcess node = RedisProcess.start(binary, args);
				started.add(node);
				((i < masterCount) ? masters : replicas).add(node);
			}
			Map<Integer, String> nodeIds = new LinkedHashMap<>();
			for (RedisProcess node : started) {
				nodeIds.put(node.port(), (String) node.command("CLUSTER", "MYID"));
			}
			for (int i = 0; i < masterCount; i++) {
				addSlots(masters.get(i), SLOTS * i / masterCount, SLOTS * (i + 1) / masterCount - 1);
			}
			RedisProcess first = started.get(0);
			for (RedisProcess node : started.subList(1, started.size())) {
				first.command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(node.port()));
			}
			RedisCluster cluster = new RedisCluster(masters, replicas, nodeIds);
			// A node can only replicate a master it knows.
			cluster.awaitCondition("every node to know every other", () -> cluster.everyNodeKnows(started.size()));
			for (int i = 0; i < masterCount; i++) {
				replicas.get(i).command("CLUSTER", "REPLICATE", nodeIds.get(masters.get(i).port()));
			}
			cluster.awaitCondition("cluster_state:ok and replicas in sync", cluster::isFormed);
			return cluster;
		}
		catch (RuntimeException ex) {
			started.forEach(RedisProcess::close);
			throw ex;
		}
	}

	/**
	 * Returns the masters, in the order of the slots they were given.
	 * @return the masters at the start; after a failover, see {@link #masterOf(String)}
	 */
	public List<RedisProcess> masters() {
		return this.masters;
	}

	/**
	 * Returns the replica started for a master.
	 * @param master one of {@link #masters()}
	 * @return its replica
	 */
	public RedisProcess replicaOf(RedisProcess master) {
		return this.replicas.get(this.masters.indexOf(master));
	}

	/**
	 * Returns every node, masters first.
	 * @return the nodes
	 */
	public List<RedisProcess> nodes() {
		List<RedisProcess> nodes = new ArrayList<>(this.masters);
		nodes.addAll(this.replicas);
		return nodes;
	}

	/**
	 * Returns the node that serves the slot of a key now, asking a running node.
	 * @param key the key
	 * @return the node
	 * @throws IllegalStateException when no running node knows
	 */
	public RedisProcess masterOf(String key) {
		int slot = SlotHash.getSlot(key);
		for (RedisProcess node : nodes()) {
			if (!node.isRunning()) {
				continue;
			}
			for (String line : clusterNodes(node)) {
				String[] fields = line.split(" ");
				if (fields.length > 8 && fields[2].contains("master") && !fields[2].contains("fail")
						&& servesSlot(fields, slot)) {
					int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1).split("[@,]")[0]);
					return nodes().stream().filter((candidate) -> candidate.port() == port).findFirst().orElseThrow();
				}
			}
		}
		throw new IllegalStateException("No running node knows who serves slot " + slot);
	}

	/**
	 * Returns whether a node is a master, by its own account ({@code ROLE}).
	 * @param node a node of this cluster
	 * @return whether it is a master; {@code false} when it does not answer
	 */
	public boolean isMaster(RedisProcess node) {
		String reply = node.send("ROLE");
		return reply != null && reply.contains("master");
	}

	/**
	 * Waits until every running node reports {@code cluster_state:ok}, for example after
	 * a failover.
	 * @param timeout how long to wait at most
	 * @throws IllegalStateException when the cluster is not ok in time
	 */
	public void awaitOk(Duration timeout) {
		awaitCondition("cluster_state:ok", this::isOk, timeout);
	}

	@Override
	public Map<String, String> springProperties() {
		return Map.of("spring.data.redis.cluster.nodes", nodes().stream()
			.map((node) -> "127.0.0.1:" + node.port())
			.collect(Collectors.joining(",")));
	}

	@Override
	public RedisProbe probe() {
		return RedisProbe.cluster(this.masters.stream().map(RedisProcess::endpoint).toList());
	}

	@Override
	public void close() {
		nodes().forEach(RedisProcess::close);
	}

	@Override
	public String toString() {
		return "Redis Cluster of " + this.masters.size() + " masters (ports "
				+ this.masters.stream().map((node) -> Integer.toString(node.port())).collect(Collectors.joining(", "))
				+ ") with a replica each, " + this.masters.get(0).version();
	}

	private boolean everyNodeKnows(int count) {
		return nodes().stream().allMatch((node) -> clusterNodes(node).size() == count);
	}

	private boolean isFormed() {
		if (!isOk()) {
			return false;
		}
		for (RedisProcess replica : this.replicas) {
			String info = text(replica, "INFO", "replication");
			if (!info.contains("role:slave") || !info.contains("master_link_status:up")) {
				return false;
			}
		}
		return true;
	}

	private boolean isOk() {
		return nodes().stream()
			.filter(RedisProcess::isRunning)
			.allMatch((node) -> text(node, "CLUSTER", "INFO").contains("cluster_state:ok"));
	}

	private void awaitCondition(String what, Condition condition) {
		awaitCondition(what, condition, FORMATION_TIMEOUT);
	}

	private void awaitCondition(String what, Condition condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.holds()) {
			if (System.nanoTime() - deadline >= 0) {
				throw new IllegalStateException("Waited " + timeout + " for " + what + " in " + this + "; nodes:\n"
						+ nodes().stream()
							.filter(RedisProcess::isRunning)
							.map((node) -> node.port() + ": " + String.join(" | ", clusterNodes(node)))
							.collect(Collectors.joining("\n")));
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

	private static boolean servesSlot(String[] fields, int slot) {
		for (int i = 8; i < fields.length; i++) {
			String range = fields[i];
			if (range.startsWith("[")) {
				continue;
			}
			int dash = range.indexOf('-');
			int from = Integer.parseInt((dash != -1) ? range.substring(0, dash) : range);
			int to = (dash != -1) ? Integer.parseInt(range.substring(dash + 1)) : from;
			if (slot >= from && slot <= to) {
				return true;
			}
		}
		return false;
	}

	private static void addSlots(RedisProcess master, int from, int to) {
		for (int start = from; start <= to; start += SLOTS_PER_COMMAND) {
			int end = Math.min(to, start + SLOTS_PER_COMMAND - 1);
			String[] command = new String[2 + end - start + 1];
			command[0] = "CLUSTER";
			command[1] = "ADDSLOTS";
			for (int slot = start; slot <= end; slot++) {
				command[2 + slot - start] = Integer.toString(slot);
			}
			master.command(command);
		}
	}

	private static List<String> clusterNodes(RedisProcess node) {
		try {
			return text(node, "CLUSTER", "NODES").lines().filter((line) -> !line.isBlank()).toList();
		}
		catch (IllegalStateException ex) {
			return List.of();
		}
	}

	private static String text(RedisProcess node, String... command) {
		Object reply = node.command(command);
		return (reply != null) ? reply.toString() : "";
	}

	@FunctionalInterface
	private interface Condition {

		boolean holds();

	}

}
