package dev.tiergate.autoconfigure.outage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Redis process is killed, paused and restarted under an application that keeps
 * serving: no caller sees an exception or waits past the timeout, health turns DEGRADED
 * (never DOWN) and back UP, and L1 starts over after the outage.
 */
class RedisOutageTests {

	private static final Log logger = LogFactory.getLog(RedisOutageTests.class);

	/** The default tiergate.redis.timeout: outages are tested with what users get. */
	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private RedisProcess redis;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() {
		this.redis = TestRedis.startPrivate();
		this.context = CacheTestApplication.start(this.redis.endpoint(), WebApplicationType.SERVLET,
				"tiergate.redis.timeout=" + TIMEOUT.toMillis() + "ms");
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.redis.close();
	}

	@Test
	void killingRedisUnderLoadCostsCallersNothingAndHealthFollows() throws Exception {
		Catalog catalog = this.context.getBean(Catalog.class);
		TieredCaches caches = this.context.getBean(TieredCaches.class);
		TiergateHealthIndicator health = this.context.getBean(TiergateHealthIndicator.class);
		catalog.search("cached before the outage", 1);
		try (Load load = new Load(catalog)) {
			load.warmUp();
			this.redis.stop();
			await().atMost(Duration.ofSeconds(2)).until(() -> status(health).equals(TiergateHealthIndicator.DEGRADED));
			assertThat(health.health(true).getDetails()).containsEntry("redis", "DOWN")
				.containsEntry("cacheMode", "L1_ONLY")
				.containsKey("lastError");
			assertThat(gauge("tiergate.redis.fallback.active")).isEqualTo(1);
			load.runFor(Duration.ofSeconds(1));
			this.redis.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> status(health).equals(Status.UP));
			load.runFor(Duration.ofMillis(500));
			assertThat(load.failures).isEmpty();
			assertThat(load.calls.get()).isGreaterThan(100);
			assertOneTimeoutAtMost(load);
		}
		assertThat(caches.get("search").getIfPresent("cached before the outage"))
			.as("L1 was cleared when Redis came back").isNull();
		assertThat(health.health(true).getDetails()).containsEntry("fallbackActivations", 1L);
		assertThat(gauge("tiergate.redis.fallback.active")).isZero();
		assertThat(this.context.getBean(MeterRegistry.class)
			.get("tiergate.redis.fallback.activations")
			.functionCounter()
			.count()).isEqualTo(1);
	}

	/**
	 * No call waited for Redis longer than the command timeout allows. Alone on 2 cores
	 * the slowest call takes the timeout plus up to 75ms; the bound leaves room for a
	 * machine that is busy with other builds (594ms seen at a load average of 11), and still
	 * fails for what the peers do: Lettuce's 60s default, or commands queued while
	 * disconnected. That one call pays at most one timeout is shown by
	 * {@code TieredCacheTests.aCallWhoseRedisReadTimedOutSendsNothingMoreToRedis} without a clock.
	 */
	private static void assertOneTimeoutAtMost(Load load) {
		logger.info("Slowest call: " + load.slowest().toMillis() + "ms (timeout " + TIMEOUT.toMillis() + "ms)");
		assertThat(load.slowest()).as("the slowest call").isLessThan(Duration.ofSeconds(2));
	}

	private double gauge(String name) {
		return this.context.getBean(MeterRegistry.class).get(name).gauge().value();
	}

	@Test
	void aHungRedisCostsOneTimeoutThenMicroseconds() throws Exception {
		Catalog catalog = this.context.getBean(Catalog.class);
		GuardedRedis guarded = this.context.getBean(GuardedRedis.class);
		try (Load load = new Load(catalog)) {
			load.warmUp();
			this.redis.clientPause(Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(2)).until(() -> guarded.state().isFallback());
			load.runFor(Duration.ofMillis(300));
			assertThat(load.failures).isEmpty();
			assertOneTimeoutAtMost(load);
		}
		List<Long> nanos = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			long start = System.nanoTime();
			catalog.find(100_000 + i);
			nanos.add(System.nanoTime() - start);
		}
		Collections.sort(nanos);
		// Below half a timeout: the miss did not wait for Redis at all (under 1ms on a quiet machine).
		assertThat(Duration.ofNanos(nanos.get(nanos.size() / 2))).as("median miss while the breaker is open")
			.isLessThan(TIMEOUT.dividedBy(2));
	}

	@Test
	void healthAnswers200WithTiergateDegradedWhileRedisIsDown() throws Exception {
		TiergateHealthIndicator health = this.context.getBean(TiergateHealthIndicator.class);
		this.redis.stop();
		this.context.getBean(Catalog.class).find(1);
		await().atMost(Duration.ofSeconds(2)).until(() -> status(health).equals(TiergateHealthIndicator.DEGRADED));
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = JsonMapper.builder().build().readTree(response.body());
		assertThat(body.path("status").asString()).isEqualTo("DEGRADED");
		assertThat(body.path("components").path("tiergate").path("status").asString()).isEqualTo("DEGRADED");
		assertThat(body.path("components").path("tiergate").path("details").path("cacheMode").asString())
			.isEqualTo("L1_ONLY");
		assertThat(body.path("components").has("redis")).as("Spring Boot's own Redis indicator is off").isFalse();
	}

	private static Status status(TiergateHealthIndicator health) {
		return health.health(true).getStatus();
	}

	/** Eight threads calling a cached method in a loop, recording failures and the slowest call. */
	private static final class Load implements AutoCloseable {

		private final Catalog catalog;

		private final ExecutorService threads = Executors.newFixedThreadPool(8);

		private final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final AtomicLong calls = new AtomicLong();

		private final AtomicLong slowestNanos = new AtomicLong();

		private final AtomicBoolean measuring = new AtomicBoolean();

		private final AtomicBoolean running = new AtomicBoolean(true);

		Load(Catalog catalog) {
			this.catalog = catalog;
			for (int i = 0; i < 8; i++) {
				this.threads.execute(this::loop);
			}
		}

		/** Lets JIT compilation and connection setup happen before anything is measured. */
		void warmUp() {
			long target = this.calls.get() + 2_000;
			await().atMost(Duration.ofSeconds(20)).until(() -> this.calls.get() >= target);
			this.measuring.set(true);
		}

		void runFor(Duration duration) {
			long until = System.nanoTime() + duration.toNanos();
			await().atMost(duration.plusSeconds(10)).until(() -> System.nanoTime() >= until);
		}

		Duration slowest() {
			return Duration.ofNanos(this.slowestNanos.get());
		}

		private void loop() {
			while (this.running.get()) {
				// Mostly misses, so every call goes to Redis: the worst case for an outage.
				long id = ThreadLocalRandom.current().nextLong(1_000_000);
				long start = System.nanoTime();
				try {
					this.catalog.find(id);
				}
				catch (Throwable ex) {
					this.failures.add(ex);
				}
				long elapsed = System.nanoTime() - start;
				if (this.measuring.get()) {
					this.slowestNanos.accumulateAndGet(elapsed, Math::max);
				}
				this.calls.incrementAndGet();
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.threads.shutdown();
			assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}

	}

}
