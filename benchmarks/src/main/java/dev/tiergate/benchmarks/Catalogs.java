package dev.tiergate.benchmarks;

import dev.tiergate.cache.TieredCacheable;
import reactor.core.publisher.Mono;

import org.springframework.cache.annotation.Cacheable;

/**
 * The same method, {@link Product#load(long)}, behind each cache the benchmarks compare.
 * Each is a bean of {@link BenchmarkApplication}, so calls go through the proxies Spring
 * builds for the annotations, as in an application.
 */
public final class Catalogs {

	/** Cache whose L1 and L2 are on: {@code CacheHitBenchmark} reads its L1. */
	public static final String TIERED = "products";

	/** Cache whose L1 is off: every call reads L2 ({@code CacheL2Benchmark}). */
	public static final String L2_ONLY = "products-l2";

	private Catalogs() {
	}

	/** The method with tiergate's {@code @TieredCacheable}. */
	public static class Tiered {

		@TieredCacheable(TIERED)
		public Product product(long id) {
			return Product.load(id);
		}

		@TieredCacheable(L2_ONLY)
		public Product productFromL2(long id) {
			return Product.load(id);
		}

	}

	/** The method with Spring's {@code @Cacheable} on a {@code CaffeineCacheManager}. */
	public static class SpringCached {

		@Cacheable(BenchmarkApplication.SPRING_CACHE)
		public Product product(long id) {
			return Product.load(id);
		}

	}

	/** The methods with tiergate's {@code @TieredCacheable}, returning a {@code Mono}. */
	public static class TieredReactive {

		@TieredCacheable(TIERED)
		public Mono<Product> product(long id) {
			return Mono.fromSupplier(() -> Product.load(id));
		}

		@TieredCacheable(L2_ONLY)
		public Mono<Product> productFromL2(long id) {
			return Mono.fromSupplier(() -> Product.load(id));
		}

	}

	/** The method with Spring's {@code @Cacheable}, returning a {@code Mono}. */
	public static class SpringReactive {

		@Cacheable(BenchmarkApplication.SPRING_CACHE)
		public Mono<Product> product(long id) {
			return Mono.fromSupplier(() -> Product.load(id));
		}

	}

	/** The method alone. */
	public static class Plain {

		public Product product(long id) {
			return Product.load(id);
		}

	}

}
