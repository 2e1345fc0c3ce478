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
 * <p>
 * The catalog holds {@value #SIZE} products, ids 1 to {@value #SIZE}: more than L1 keeps
 * ({@code tiergate.cache.caches.products.l1.max-size}), so that a load test over many ids
 * sees L1 misses, L2 hits and backend calls, not a few keys that stay in L1. The first
 * three are written out for the README's examples; the others are generated from their id
 * alone, so every run and every instance has the same catalog.
 */
@Service
public class ProductCatalog {

	/** How many products the catalog has: ids 1 to this. */
	public static final int SIZE = 10_000;

	private static final String[] MATERIALS = { "Steel", "Walnut", "Copper", "Ceramic", "Glass", "Oak", "Enamel",
			"Bamboo" };

	private static final String[] ITEMS = { "kettle", "tamper", "scale", "dripper", "carafe", "tray", "mug", "canister",
			"filter", "spoon", "press", "timer" };

	private final Map<Long, Product> backend = new ConcurrentHashMap<>();

	private final AtomicLong backendCalls = new AtomicLong();

	private final DemoProperties properties;

	public ProductCatalog(DemoProperties properties) {
		this.properties = properties;
		add(new Product(1, "Espresso machine", new BigDecimal("349.00")));
		add(new Product(2, "Burr grinder", new BigDecimal("129.50")));
		add(new Product(3, "Milk jug", new BigDecimal("14.90")));
		for (long id = 4; id <= SIZE; id++) {
			add(generated(id));
		}
	}

	private void add(Product product) {
		this.backend.put(product.id(), product);
	}

	/**
	 * A product made from its id alone, such as "Walnut press 4217", with a price between 1.00
	 * and 500.99 that a multiplicative hash of the id spreads over the range.
	 */
	static Product generated(long id) {
		String material = MATERIALS[(int) (id % MATERIALS.length)];
		String item = ITEMS[(int) ((id / MATERIALS.length) % ITEMS.length)];
		long hash = (id * 2654435761L) & 0xffffffffL;
		BigDecimal price = BigDecimal.valueOf(100 + hash % 50000, 2);
		return new Product(id, material + " " + item + " " + id, price);
	}

	/**
	 * Finds a product, calling the backend only when neither cache tier has it.
	 * @param id the product's identifier
	 * @return the product, or {@code null} if there is none with that identifier
	 */
	@TieredCacheable("products")
	public @Nullable Product find(long id) {
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
