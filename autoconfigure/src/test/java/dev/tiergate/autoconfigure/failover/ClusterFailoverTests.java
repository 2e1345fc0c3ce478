package dev.tiergate.autoconfigure.failover;

import java.time.Duration;

import dev.tiergate.test.RedisCluster;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master of a Redis Cluster dies under load: its replica is promoted, callers see no
 * exception, and tiergate is back to {@code TIERED} and {@code DISTRIBUTED} without a
 * restart. The cluster is this test's own, as it kills a node.
 */
class ClusterFailoverTests {

	private static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

	@Test
	void whenTheMasterOfTheHotBucketDiesItsReplicaTakesOverAndCallersNeverSeeAnException() throws Exception {
		try (RedisCluster cluster = RedisCluster.start(TestRedis.redisServerBinary(), 3, NODE_TIMEOUT);
				FailoverLoad load = new FailoverLoad(cluster)) {
			load.start();
			await().atMost(Duration.ofSeconds(10)).until(load::isRecovered);
			// The one bucket every thread shares: its master is the one to lose.
			RedisProcess master = cluster.masterOf(FailoverLoad.hotBucketKey(cluster));
			RedisProcess replica = cluster.replicaOf(master);
			long killed = System.nanoTime();
			master.stop();
			await().atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> cluster.isMaster(replica));
			long promoted = System.nanoTime();
			cluster.awaitOk(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(load::isRecovered);
			long recovered = System.nanoTime();
			double distributed = load.distributedChecks();
			await().atMost(Duration.ofSeconds(5)).until(() -> load.distributedChecks() > distributed + 100);
			System.out.printf(
					"Cluster failover: replica promoted %d ms after the master was killed, tiergate UP and DISTRIBUTED %d ms after the promotion; %d calls, %d exceptions%n",
					(promoted - killed) / 1_000_000, (recovered - promoted) / 1_000_000, load.calls(),
					load.failures().size());
			assertThat(load.hasFallenBack()).isTrue();
			assertThat(load.failures()).isEmpty();
		}
	}

}
