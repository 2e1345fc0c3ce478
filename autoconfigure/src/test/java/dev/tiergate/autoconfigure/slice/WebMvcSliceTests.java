package dev.tiergate.autoconfigure.slice;

import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A {@code @WebMvcTest} slice includes tiergate's caching and rate limiting (registered
 * in {@code META-INF/spring/org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureWebMvc.imports}):
 * a controller test sees the headers and the 429. The slice has no Redis, so buckets and
 * caches live in the JVM.
 */
@WebMvcTest(properties = { "tiergate.rate-limit.tiers.slice.capacity=2",
		"tiergate.rate-limit.tiers.slice.refill-tokens=1", "tiergate.rate-limit.tiers.slice.refill-period=1h" })
class WebMvcSliceTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private RateLimiters rateLimiters;

	@Autowired
	private LimitedController controller;

	@Test
	void aControllerSliceSeesTheRateLimitHeadersAndThe429() throws Exception {
		this.mvc.perform(get("/limited").with(client("192.0.2.1")))
			.andExpect(status().isOk())
			.andExpect(header().string("X-RateLimit-Limit", "2"))
			.andExpect(header().string("X-RateLimit-Remaining", "1"));
		this.mvc.perform(get("/limited").with(client("192.0.2.1")))
			.andExpect(status().isOk())
			.andExpect(header().string("X-RateLimit-Remaining", "0"));
		this.mvc.perform(get("/limited").with(client("192.0.2.1")))
			.andExpect(status().isTooManyRequests())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(header().exists("Retry-After"))
			.andExpect(jsonPath("$.tier").value("slice"));
		assertThat(this.rateLimiters.isDistributed()).as("no Redis in the slice: buckets in this JVM").isFalse();
	}

	@Test
	void aControllerSliceCachesAnnotatedMethods() throws Exception {
		int before = this.controller.loads();
		this.mvc.perform(get("/cached/7")).andExpect(status().isOk()).andExpect(content().string("item 7"));
		this.mvc.perform(get("/cached/7")).andExpect(status().isOk()).andExpect(content().string("item 7"));
		assertThat(this.controller.loads() - before).isOne();
	}

	/** Each test a client of its own, so buckets never carry over from another test. */
	private static RequestPostProcessor client(String address) {
		return (request) -> {
			request.setRemoteAddr(address);
			return request;
		};
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
		String limited() {
			return "ok";
		}

		@GetMapping("/cached/{id}")
		@TieredCacheable("items")
		public String cached(@PathVariable long id) {
			this.loads.incrementAndGet();
			return "item " + id;
		}

	}

}
