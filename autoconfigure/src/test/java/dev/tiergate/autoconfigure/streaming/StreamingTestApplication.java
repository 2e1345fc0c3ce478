package dev.tiergate.autoconfigure.streaming;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring MVC application whose controller streams tokens as server-sent events from a
 * {@code Flux<String>}, cached and rate-limited, as an LLM endpoint would be written. The
 * tests decide when each token of a topic arrives ({@link Tokens#control}).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class StreamingTestApplication {

	/** Two contexts started with these (and one Redis) are two instances of one application. */
	static final String[] PROPERTIES = { "server.port=0", "tiergate.redis.timeout=2s",
			"tiergate.rate-limit.tiers.stream.capacity=3", "tiergate.rate-limit.tiers.stream.refill-tokens=1",
			"tiergate.rate-limit.tiers.stream.refill-period=1h", "tiergate.cache.caches.answers.l1.ttl=1h" };

	@Bean
	Tokens tokens() {
		return new Tokens();
	}

	/** The slow source: tokens of a topic the test controls, or three at once. */
	static class Tokens {

		private final Map<String, Sinks.Many<String>> controlled = new ConcurrentHashMap<>();

		private final Map<String, AtomicInteger> cancellations = new ConcurrentHashMap<>();

		private final AtomicInteger invocations = new AtomicInteger();

		/** Lets the test emit the tokens of a topic, one by one, into the next stream of it. */
		Sinks.Many<String> control(String topic) {
			Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
			this.controlled.put(topic, sink);
			return sink;
		}

		Flux<String> stream(String topic) {
			this.invocations.incrementAndGet();
			Sinks.Many<String> sink = this.controlled.remove(topic);
			Flux<String> tokens = (sink != null) ? sink.asFlux() : Flux.just(topic, "is", "streamed");
			return tokens.doOnCancel(() -> cancellations(topic).incrementAndGet());
		}

		int invocations() {
			return this.invocations.get();
		}

		int cancellationsOf(String topic) {
			return cancellations(topic).get();
		}

		private AtomicInteger cancellations(String topic) {
			return this.cancellations.computeIfAbsent(topic, (name) -> new AtomicInteger());
		}

	}

	/** Registered as a member of the configuration class. */
	@RestController
	static class StreamController {

		private final Tokens tokens;

		StreamController(Tokens tokens) {
			this.tokens = tokens;
		}

		@GetMapping(path = "/stream/{topic}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		@RateLimited(value = "stream", key = "#topic")
		@TieredCacheable("answers")
		public Flux<String> stream(@PathVariable String topic) {
			return this.tokens.stream(topic);
		}

	}

}
