package dev.tiergate.demo;

import java.time.Duration;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link EmbeddedRedisController} over HTTP, on the embedded Redis the demo
 * starts when none is configured (the only one the switches act on). The context is the
 * one of {@link EmbeddedRedisApplicationTests} and {@link DemoPageBrowserTests}, so each
 * test leaves Redis running and tiergate back on it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.backend-delay=20ms", "tiergate.redis.timeout=2s" })
class EmbeddedRedisSwitchTests {

	/** How long tiergate may take to notice that Redis is gone: the connection drops at once. */
	private static final Duration DEGRADED_WITHIN = Duration.ofSeconds(5);

	/** How long tiergate may take to use Redis again: a reconnect and a probe, each at most a second apart. */
	private static final Duration UP_WITHIN = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	@Qualifier(EmbeddedRedisLauncher.BEAN_NAME)
	private RedisServer server;

	@Autowired
	private TieredCaches caches;

	private DemoClient demo;

	@BeforeEach
	void setUp() {
		this.demo = new DemoClient(this.port);
		awaitTiergate("UP", UP_WITHIN);
	}

	@AfterEach
	void restartRedis() {
		this.demo.post("/demo/redis/start");
		awaitTiergate("UP", UP_WITHIN);
	}

	@Test
	void reportsTheEmbeddedRedis() {
		ResponseEntity<JsonNode> status = this.demo.getJson("/demo/redis");
		assertThat(status.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(status.getBody().get("embedded").asBoolean()).isTrue();
		assertThat(status.getBody().get("running").asBoolean()).isTrue();
		assertThat(status.getBody().get("url").asString()).isEqualTo("redis://127.0.0.1:" + redisPort());
	}

	@Test
	void whenRedisIsStoppedProductsAreStillServedAndHealthIsDegradedUntilItIsStartedAgain() {
		// A fresh L1 entry, so that it cannot expire (30s) while Redis is away.
		this.caches.get("products").clearL1();
		assertThat(this.demo.product(1).getStatusCode()).isEqualTo(HttpStatus.OK);

		ResponseEntity<JsonNode> stopped = this.demo.post("/demo/redis/stop");
		assertThat(stopped.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(stopped.getBody().get("running").asBoolean()).isFalse();
		assertThat(this.server.isActive()).isFalse();
		ResponseEntity<JsonNode> degraded = awaitTiergate("DEGRADED", DEGRADED_WITHIN);
		assertThat(degraded.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(degraded.getBody().at("/components/tiergate/details/cacheMode").asString()).isEqualTo("L1_ONLY");
		assertThat(this.demo.getJson("/actuator/tiergate").getBody().at("/redis/mode").asString())
			.isEqualTo("FALLBACK");
		ResponseEntity<String> cached = this.demo.product(1);
		assertThat(cached.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(DemoClient.cacheSource(cached)).isEqualTo("L1");
		ResponseEntity<String> loaded = this.demo.product(3);
		assertThat(loaded.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(DemoClient.cacheSource(loaded)).isIn("L1", "BACKEND");

		ResponseEntity<JsonNode> started = this.demo.post("/demo/redis/start");
		assertThat(started.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(started.getBody().get("running").asBoolean()).isTrue();
		assertThat(started.getBody().get("url").asString()).isEqualTo("redis://127.0.0.1:" + redisPort());
		awaitTiergate("UP", UP_WITHIN);
		// Back on the same port with nothing in it: L1 was cleared, so lookups fill Redis again.
		try (RedisProbe redis = new RedisProbe(new RedisEndpoint("127.0.0.1", redisPort()))) {
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				this.demo.product(1);
				assertThat(redis.exists("tiergate-demo:products:1")).isTrue();
			});
		}
	}

	@Test
	void stoppingOrStartingTwiceIsHarmless() {
		assertThat(this.demo.post("/demo/redis/stop").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.demo.post("/demo/redis/stop").getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.demo.post("/demo/redis/start").getStatusCode()).isEqualTo(HttpStatus.OK);
		ResponseEntity<JsonNode> again = this.demo.post("/demo/redis/start");
		assertThat(again.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(again.getBody().get("running").asBoolean()).isTrue();
	}

	private int redisPort() {
		return this.server.ports().get(0);
	}

	private ResponseEntity<JsonNode> awaitTiergate(String status, Duration within) {
		return await().atMost(within)
			.pollInterval(Duration.ofMillis(100))
			.until(this.demo::health, (health) -> status.equals(DemoClient.tiergateStatus(health)));
	}

}
