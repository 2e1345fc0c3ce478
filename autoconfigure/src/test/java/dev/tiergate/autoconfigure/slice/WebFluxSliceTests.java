package dev.tiergate.autoconfigure.slice;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @WebFluxTest} slice includes tiergate's caching and rate limiting (registered
 * in {@code META-INF/spring/org.springframework.boot.webflux.test.autoconfigure.AutoConfigureWebFlux.imports}):
 * a controller test sees the headers and the 429 problem. The slice has no Redis, so
 * buckets and caches live in the JVM.
 */
@WebFluxTest(properties = { "tiergate.rate-limit.tiers.slice.capacity=2",
		"tiergate.rate-limit.tiers.slice.refill-tokens=1", "tiergate.rate-limit.tiers.slice.refill-period=1h",
		"tiergate.rate-limit.key-resolver=header:X-Client" })
class WebFluxSliceTests {

	@Autowired
	private WebTestClient client;

	@Autowired
	private RateLimiters rateLimiters;

	@Autowired
	private LimitedController controller;

	@Test
	void aControllerSliceSeesTheRateLimitHeadersAndThe429() {
		String client = UUID.randomUUID().toString();
		for (int remaining = 1; remaining >= 0; remaining--) {
			this.client.get()
				.uri("/limited")
				.header("X-Client", client)
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("X-RateLimit-Limit", "2")
				.expectHeader()
				.valueEquals("X-RateLimit-Remaining", String.valueOf(remaining));
		}
		this.client.get()
			.uri("/limited")
			.header("X-Client", client)
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists("Retry-After")
			.expectBody()
			.jsonPath("$.tier")
			.isEqualTo("slice");
		assertThat(this.rateLimiters.isDistributed()).as("no Redis in the slice: buckets in this JVM").isFalse();
	}

	@Test
	void aControllerSliceCachesAnnotatedMethods() {
		int before = this.controller.loads();
		for (int i = 0; i < 2; i++) {
			this.client.get().uri("/cached/7").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("item 7");
		}
		assertThat(this.controller.loads() - before).isOne();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@Import(LimitedController.class)
	static class SliceApplication {

	}

	@RestController
	static class LimitedController {

		private final AtomicInteger loads = new AtomicInteger();

		public int loads() {
			return this.loads.get();
		}

		@GetMapping("/limited")
		@RateLimited("slice")
		Mono<String> limited() {
			return Mono.just("ok");
		}

		@GetMapping("/cached/{id}")
		@TieredCacheable("items")
		public Mono<String> cached(@PathVariable long id) {
			return Mono.fromSupplier(() -> {
				this.loads.incrementAndGet();
				return "item " + id;
			});
		}

	}

}
