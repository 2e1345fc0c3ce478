package dev.tiergate.autoconfigure.cache.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.test.ManualTicker;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application whose controller methods return results of both cache annotation
 * families.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableCaching
class CacheStatusTestApplication {

	static final String[] PROPERTIES = { "spring.application.name=status-it", "tiergate.cache.spring.enabled=true",
			"tiergate.redis.timeout=2s", "tiergate.cache.caches.fresh.request-no-cache=true",
			"tiergate.cache.caches.freshTiered.request-no-cache=true",
			"tiergate.cache.caches.quiet.cache-status=false" };

	@Bean
	Lookups lookups() {
		return new Lookups();
	}

	@Bean
	ManualTicker ticker() {
		return new ManualTicker();
	}

	/** The cached services. */
	static class Lookups {

		private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

		int invocations(String cache) {
			AtomicInteger count = this.invocations.get(cache);
			return (count != null) ? count.get() : 0;
		}

		@Cacheable("reviews")
		public String review(long id) {
			return "review " + id + " #" + count("reviews");
		}

		@TieredCacheable("products")
		public String product(long id) {
			return "product " + id + " #" + count("products");
		}

		@Cacheable("fresh")
		public String fresh(long id) {
			return "fresh " + id + " #" + count("fresh");
		}

		@TieredCacheable("freshTiered")
		public String freshTiered(long id) {
			return "fresh tiered " + id + " #" + count("freshTiered");
		}

		@Cacheable("quiet")
		public String quiet(long id) {
			return "quiet " + id + " #" + count("quiet");
		}

		private int count(String cache) {
			return this.invocations.computeIfAbsent(cache, (name) -> new AtomicInteger()).incrementAndGet();
		}

	}

	/** Registered as a member of the configuration class. */
	@RestController
	static class LookupController {

		private final Lookups lookups;

		LookupController(Lookups lookups) {
			this.lookups = lookups;
		}

		@GetMapping("/{cache}/{id}")
		String lookUp(@PathVariable String cache, @PathVariable long id) {
			return switch (cache) {
				case "reviews" -> this.lookups.review(id);
				case "products" -> this.lookups.product(id);
				case "fresh" -> this.lookups.fresh(id);
				case "fresh-tiered" -> this.lookups.freshTiered(id);
				default -> this.lookups.quiet(id);
			};
		}

		@GetMapping("/plain")
		String plain() {
			return "plain";
		}

	}

}
