package dev.tiergate.autoconfigure.failover;

import java.time.Duration;

import dev.tiergate.test.RedisSentinels;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The master of a Sentinel group dies under load: the Sentinels promote the replica,
 * callers see no exception (the fallback covers the gap), and tiergate reconnects to the
 * new master and is back to {@code TIERED} and {@code DISTRIBUTED} without a restart.
 */
class SentinelFailoverTests {

	private static final Duration DOWN_AFTER = Duration.ofMillis(1000);

	@Test
	void whenTheMasterDiesTheSentinelsPromoteTheReplicaAndCallersNeverSeeAnException() throws Exception {
		try (RedisSentinels sentinels = RedisSentinels.start(TestRedis.redisServerBinary(), DOWN_AFTER);
				FailoverLoad load = new FailoverLoad(sentinels)) {
			load.start();
			await().atMost(Duration.ofSeconds(10)).until(load::isRecovered);
			String hotBucket = FailoverLoad.hotBucketKey(sentinels);
			long killed = System.nanoTime();
			sentinels.master().stop();
			await().atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> sentinels.currentMasterPort() == sentinels.replica().port());
			long promoted = System.nanoTime();
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(load::isRecovered);
			long recovered = System.nanoTime();
			double distributed = load.distributedChecks();
			await().atMost(Duration.ofSeconds(5)).until(() -> load.distributedChecks() > distributed + 100);
			System.out.printf(
					"Sentinel failover: replica promoted %d ms after the master was killed, tiergate UP and DISTRIBUTED %d ms after the promotion; %d calls, %d exceptions%n",
					(promoted - killed) / 1_000_000, (recovered - promoted) / 1_000_000, load.calls(),
					load.failures().size());
			assertThat(load.hasFallenBack()).isTrue();
			assertThat(load.failures()).isEmpty();
			// The buckets live on in the promoted replica, which now takes the writes.
			assertThat(sentinels.replica().send("EXISTS", hotBucket)).isEqualTo(":1");
		}
	}

}
