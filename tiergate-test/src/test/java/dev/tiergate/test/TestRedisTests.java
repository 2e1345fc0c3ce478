package dev.tiergate.test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TestRedis}, {@link RedisProcess} and {@link RedisProbe}: the harness
 * gives real servers that really stop, restart, pause and block.
 */
class TestRedisTests {

	private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

	@Test
	void theSharedRedisAnswersAndIsTheSameForEveryCaller() {
		RedisEndpoint endpoint = TestRedis.shared();
		assertThat(TestRedis.shared()).isSameAs(endpoint);
		try (RedisProbe probe = new RedisProbe(endpoint)) {
			assertThat(probe.ping()).isEqualTo("PONG");
		}
	}

	@Test
	void aPrivateServerStopsAndRestartsOnTheSamePortWithoutItsData() throws IOException {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			int port = redis.port();
			try (RedisProbe probe = new RedisProbe(redis.endpoint())) {
				probe.set("k", VALUE);
				assertThat(probe.exists("k")).isTrue();
			}
			redis.stop();
			assertThat(redis.isRunning()).isFalse();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(port));
			assertThat(redis.send("PING")).as("no answer from a killed server").isNull();
			redis.start();
			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.port()).isEqualTo(port);
			try (RedisProbe probe = new RedisProbe(redis.endpoint())) {
				assertThat(probe.ping()).isEqualTo("PONG");
				assertThat(probe.exists("k")).isFalse();
			}
		}
	}

	@Test
	void aPausedServerHoldsCommandsUntilThePauseEnds() {
		try (RedisProcess redis = TestRedis.startPrivate(); RedisProbe probe = new RedisProbe(redis.endpoint())) {
			probe.set("k", VALUE);
			redis.clientPause(Duration.ofMillis(500));
			long start = System.nanoTime();
			assertThat(probe.get("k")).isEqualTo(VALUE);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}
	}

	@Test
	void debugSleepBlocksTheServerButNotTheCaller() {
		try (RedisProcess redis = TestRedis.startPrivate(); RedisProbe probe = new RedisProbe(redis.endpoint())) {
			probe.ping();
			CompletableFuture<Void> awake = redis.debugSleep(Duration.ofMillis(500));
			assertThat(awake).isNotDone();
			long start = System.nanoTime();
			assertThat(probe.ping()).isEqualTo("PONG");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			await().atMost(Duration.ofSeconds(5)).until(awake::isDone);
			assertThat(awake).isCompleted();
		}
	}

	@Test
	void aPrivateServerTakesExtraArguments() {
		try (RedisProcess redis = TestRedis.startPrivate("--maxmemory", "10mb");
				RedisProbe probe = new RedisProbe(redis.endpoint())) {
			assertThat(probe.commands().configGet("maxmemory")).containsEntry("maxmemory", "10485760");
		}
	}

	@Test
	void theEmbeddedBinaryIsRedis62() {
		try (RedisProcess redis = RedisProcess.start(TestRedis.embeddedRedisBinary());
				RedisProbe probe = new RedisProbe(redis.endpoint())) {
			assertThat(redis.version()).startsWith("6.2.");
			assertThat(probe.commands().info("server")).contains("redis_version:6.2.");
			probe.set("k", VALUE);
			assertThat(probe.get("k")).isEqualTo(VALUE);
			// The harness pauses with CLIENT PAUSE ... ALL, which needs 6.2.
			redis.clientPause(Duration.ofMillis(1));
		}
	}

	@Test
	void theProbeCountsCommandsAndScansKeys() {
		try (RedisProcess redis = TestRedis.startPrivate(); RedisProbe probe = new RedisProbe(redis.endpoint())) {
			probe.resetStats();
			for (int i = 0; i < 30; i++) {
				probe.set("scan:" + i, VALUE);
			}
			probe.set("other", VALUE);
			probe.get("other");
			assertThat(probe.scanKeys("scan:*")).hasSize(30).contains("scan:0", "scan:29");
			assertThat(probe.commandCount("SET")).isEqualTo(31);
			assertThat(probe.commandCount("get")).isEqualTo(1);
			assertThat(probe.commandCount("keys")).isZero();
			assertThat(probe.totalCommandsExcluding("info", "scan", "config")).isEqualTo(32);
			assertThat(probe.pttl("other")).isEqualTo(-1);
			assertThat(probe.pttl("missing")).isEqualTo(-2);
			probe.flushAll();
			assertThat(probe.scanKeys("*")).isEmpty();
		}
	}

	@Test
	void aClosedPrivateServerCannotBeStartedAgain() throws IOException {
		RedisProcess redis = TestRedis.startPrivate();
		redis.close();
		assertThat(redis.isRunning()).isFalse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(redis.port()));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(redis::start);
	}

	private static void connect(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
		}
	}

}
