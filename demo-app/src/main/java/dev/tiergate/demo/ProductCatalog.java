package dev.tiergate.demo;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCacheable;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * The product catalog, in front of a slow backend that it simulates in memory. Lookups
 * are cached in the {@code products} tiered cache; updates evict the product's entry.
 */
@Service
public class ProductCatalog {

	private final Map<Long, Product> backend = new ConcurrentHashMap<>();

	private final AtomicLong backendCalls = new AtomicLong();

	private final DemoProperties properties;

	private final CacheSourceTrace trace;

	public ProductCatalog(DemoProperties properties, CacheSourceTrace trace) {
		this.properties = properties;
		this.trace = trace;
		add(new Product(1, "Espresso machine", new BigDecimal("349.00")));
		add(new Product(2, "Burr grinder", new BigDecimal("129.50")));
		add(new Product(3, "Milk jug", new BigDecimal("14.90")));
	}

	private void add(Product product) {
		this.backend.put(product.id(), product);
	}

	/**
	 * Finds a product, calling the backend only when neither cache tier has it.
	 * @param id the product's identifier
	 * @return the product, or {@code null} if there is none with that identifier
	 */
	@TieredCacheable("products")
	public @Nullable Product find(long id) {
		this.trace.reached(CacheSource.BACKEND);
		this.backendCalls.incrementAndGet();
		Delays.pause(this.properties.backendDelay());
		return this.backend.get(id);
	}

	/**
	 * Changes a product in the backend and evicts it from both cache tiers, so the next
	 * lookup, in any instance of the application, reads the new version.
	 * @param id the product's identifier
	 * @param changes the fields to change
	 * @return the updated product, or {@code null} if there is none with that identifier
	 */
	@TieredCacheEvict(value = "products", key = "#id")
	public @Nullable Product update(long id, ProductChanges changes) {
		return this.backend.computeIfPresent(id, (key, product) -> new Product(id,
				(changes.name() != null) ? changes.name() : product.name(),
				(changes.price() != null) ? changes.price() : product.price()));
	}

	/**
	 * Returns how many lookups reached the backend.
	 * @return the number of backend calls
	 */
	public long backendCalls() {
		return this.backendCalls.get();
	}

}
