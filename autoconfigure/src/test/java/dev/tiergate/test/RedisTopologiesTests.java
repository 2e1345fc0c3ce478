package dev.tiergate.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness starts a Redis Cluster and a Sentinel group from the local binaries.
 */
class RedisTopologiesTests {

	@Test
	void theSharedClusterServesKeysOfEverySlotThroughOneProbe() {
		RedisCluster cluster = RedisCluster.shared();
		try (RedisProbe probe = cluster.probe()) {
			for (int i = 0; i < 30; i++) {
				probe.set("topology-test:" + i, bytes("v" + i));
			}
			assertThat(probe.scanKeys("topology-test:*")).hasSize(30);
			assertThat(cluster.masters()).allSatisfy((master) -> assertThat(master.send("DBSIZE")).isNotEqualTo(":0"));
			assertThat(probe.commandCount("set")).isGreaterThanOrEqualTo(30);
		}
	}

	@Test
	void theEmbeddedRedis62BinaryFormsAClusterAndASentinelGroup() {
		try (RedisCluster cluster = RedisCluster.start(TestRedis.embeddedRedisBinary(), 3, Duration.ofSeconds(1));
				RedisProbe probe = cluster.probe()) {
			probe.set("{a}x", bytes("1"));
			assertThat(probe.commands().info("server")).contains("redis_version:6.2.");
			assertThat(cluster.masterOf("{a}x").port()).isIn(cluster.masters().stream().map(RedisProcess::port).toList());
		}
		try (RedisSentinels sentinels = RedisSentinels.start(TestRedis.embeddedRedisBinary(), Duration.ofSeconds(1))) {
			assertThat(sentinels.currentMasterPort()).isEqualTo(sentinels.master().port());
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
