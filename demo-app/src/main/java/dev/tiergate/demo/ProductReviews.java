package dev.tiergate.demo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The reviews of the products, in front of a slow backend that it simulates in memory.
 * Cached with Spring's own {@code @Cacheable} and {@code @CacheEvict}, not tiergate's
 * annotations: with {@code tiergate.cache.spring.enabled} the application's
 * {@code CacheManager} is tiergate's, so the {@code reviews} cache has both tiers like the
 * {@code products} cache of {@link ProductCatalog}, and the lists come back from Redis as
 * {@code List<Review>}, the declared return type.
 */
@Service
public class ProductReviews {

	private final Map<Long, List<Review>> backend = new ConcurrentHashMap<>();

	private final AtomicLong backendCalls = new AtomicLong();

	private final DemoProperties properties;

	public ProductReviews(DemoProperties properties) {
		this.properties = properties;
		this.backend.put(1L, List.of(new Review("Ada", 5, "Pulls a fine shot every morning."),
				new Review("Linus", 4, "Loud, but worth it.")));
		this.backend.put(2L, List.of(new Review("Grace", 5, "Even grind, easy to clean.")));
	}

	/**
	 * Returns the reviews of a product, calling the backend only when neither cache tier
	 * has them.
	 * @param productId the product's identifier
	 * @return its reviews, oldest first; empty when it has none
	 */
	@Cacheable("reviews")
	public List<Review> forProduct(long productId) {
		this.backendCalls.incrementAndGet();
		Delays.pause(this.properties.backendDelay());
		return this.backend.getOrDefault(productId, List.of());
	}

	/**
	 * Adds a review in the backend and evicts the product's reviews from both cache tiers,
	 * in every instance of the application.
	 * @param productId the product's identifier
	 * @param review the new review
	 * @return the product's reviews, the new one last
	 */
	@CacheEvict(value = "reviews", key = "#productId")
	public List<Review> add(long productId, Review review) {
		return this.backend.merge(productId, List.of(review),
				(reviews, added) -> Stream.concat(reviews.stream(), added.stream()).toList());
	}

	/**
	 * Returns how many lookups reached the backend.
	 * @return the number of backend calls
	 */
	public long backendCalls() {
		return this.backendCalls.get();
	}

}
