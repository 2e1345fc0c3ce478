package dev.tiergate.autoconfigure.streaming;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring MVC controller method returning {@code Flux<String>} as
 * {@code text/event-stream}, with {@code @TieredCacheable} and {@code @RateLimited}: two
 * instances of the application on real ports and one real Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SseStreamingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String namespace = "sse-it-" + UUID.randomUUID();

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeAll
	void startTwoInstances() {
		this.first = start();
		this.second = start();
	}

	@AfterAll
	void stopInstances() {
		this.first.close();
		this.second.close();
	}

	@Test
	void theFirstCallStreamsEachTokenAsItComesAndTheNextCallsAreReplayedFromL1AndL2() throws Exception {
		Sinks.Many<String> source = tokens(this.first).control("slow");
		CompletableFuture<EventStream> opening = EventStream.opening(port(this.first), "/stream/slow");
		source.tryEmitNext("one");
		try (EventStream stream = opening.get(20, TimeUnit.SECONDS)) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
			assertThat(stream.next()).as("sent before the source has its second token").isEqualTo("one");
			source.tryEmitNext("two");
			assertThat(stream.next()).isEqualTo("two");
			source.tryEmitNext("three");
			source.tryEmitComplete();
			assertThat(stream.rest()).containsExactly("three");
		}
		assertThat(EventStream.events(port(this.first), "/stream/slow")).as("from L1")
			.containsExactly("one", "two", "three");
		awaitInL2("slow");
		assertThat(EventStream.events(port(this.second), "/stream/slow")).as("from L2")
			.containsExactly("one", "two", "three");
		assertThat(tokens(this.first).invocations() + tokens(this.second).invocations()).isEqualTo(1);
	}

	@Test
	void aStreamTheClientLeavesIsCancelledAtItsSourceAndNotCached() throws Exception {
		Sinks.Many<String> source = tokens(this.first).control("left");
		openWithFirstToken(source, "left").close();
		// The server hears of the closed connection when it writes to it.
		await().atMost(WAIT).until(() -> {
			source.tryEmitNext("more");
			return tokens(this.first).cancellationsOf("left") == 1;
		});
		assertNothingCached("left");
	}

	@Test
	void aStreamThatFailsIsNotCached() throws Exception {
		Sinks.Many<String> source = tokens(this.first).control("broken");
		try (EventStream stream = openWithFirstToken(source, "broken")) {
			source.tryEmitError(new IllegalStateException("the model is down"));
			assertThat(stream.restUntilBrokenOff()).isEmpty();
		}
		assertNothingCached("broken");
	}

	@Test
	void aStreamedAnswerCarriesTheRateLimitHeadersAndTheCallAfterTheCapacityIsA429Problem() throws Exception {
		for (int i = 0; i < 3; i++) {
			try (EventStream stream = EventStream.open(port((i == 2) ? this.second : this.first), "/stream/busy")) {
				assertThat(stream.status()).isEqualTo(200);
				assertThat(stream.header("X-RateLimit-Limit")).isEqualTo("3");
				assertThat(stream.header("X-RateLimit-Remaining")).isEqualTo(String.valueOf(2 - i));
				assertThat(stream.header("X-RateLimit-Reset")).isNotEmpty();
				assertThat(stream.rest()).as("cached or not, a replay takes a token")
					.containsExactly("busy", "is", "streamed");
			}
		}
		try (EventStream rejected = EventStream.open(port(this.first), "/stream/busy")) {
			assertThat(rejected.status()).isEqualTo(429);
			assertThat(rejected.header("Content-Type")).startsWith("application/problem+json");
			assertThat(rejected.header("X-RateLimit-Remaining")).isEqualTo("0");
			assertThat(rejected.header("Retry-After")).isNotEmpty();
			JsonNode problem = JsonMapper.builder().build().readTree(rejected.body());
			assertThat(problem.path("status").asInt()).isEqualTo(429);
			assertThat(problem.path("tier").asString()).isEqualTo("stream");
		}
	}

	/** Opens a stream of a topic whose tokens the test sends, and reads its first one. */
	private EventStream openWithFirstToken(Sinks.Many<String> source, String topic) throws Exception {
		CompletableFuture<EventStream> opening = EventStream.opening(port(this.first), "/stream/" + topic);
		source.tryEmitNext("one");
		EventStream stream = opening.get(20, TimeUnit.SECONDS);
		assertThat(stream.next()).isEqualTo("one");
		return stream;
	}

	/** The next stream of the topic calls the method again, whose default tokens come this time. */
	private void assertNothingCached(String topic) throws Exception {
		int before = tokens(this.first).invocations();
		assertThat(EventStream.events(port(this.first), "/stream/" + topic)).containsExactly(topic, "is", "streamed");
		assertThat(tokens(this.first).invocations()).as("nothing was cached").isEqualTo(before + 1);
	}

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(StreamingTestApplication.class)
			.properties(StreamingTestApplication.PROPERTIES)
			.properties("spring.data.redis.url=" + TestRedis.shared().uri(), "spring.application.name=" + this.namespace)
			.run();
		await().atMost(Duration.ofSeconds(15)).until(() -> !context.getBean(RedisHealthState.class).isFallback());
		return context;
	}

	private void awaitInL2(String topic) {
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			String redisKey = this.first.getBean(TieredCaches.class).get("answers").redisKey(topic);
			await().atMost(WAIT).until(() -> redis.exists(redisKey));
		}
	}

	private static StreamingTestApplication.Tokens tokens(ConfigurableApplicationContext context) {
		return context.getBean(StreamingTestApplication.Tokens.class);
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
