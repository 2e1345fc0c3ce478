package dev.tiergate.autoconfigure.cache;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;

/**
 * A service with every kind of cached method, counting how often each is really invoked.
 */
public class Catalog {

	private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

	private final Map<Long, String> names = new ConcurrentHashMap<>();

	private volatile CountDownLatch gate = new CountDownLatch(0);

	public int invocations(String method) {
		AtomicInteger count = this.invocations.get(method);
		return (count != null) ? count.get() : 0;
	}

	public void reset() {
		this.invocations.clear();
		this.names.clear();
	}

	/**
	 * Makes {@link #gated} wait until the returned latch is counted down.
	 * @return the latch that opens the gate
	 */
	public CountDownLatch closeGate() {
		this.gate = new CountDownLatch(1);
		return this.gate;
	}

	public void rename(long id, String name) {
		this.names.put(id, name);
	}

	@TieredCacheable("products")
	public Product find(long id) {
		count("find");
		return new Product(id, this.names.getOrDefault(id, "Product " + id), new BigDecimal("9.99"));
	}

	@TieredCacheable(value = "search", key = "#text")
	public List<Product> search(String text, int pageSizeNotPartOfTheKey) {
		count("search");
		return List.of(new Product(1, text + " one", BigDecimal.ONE), new Product(2, text + " two", BigDecimal.TEN));
	}

	@TieredCacheable("offers")
	public Map<String, Offer> offers(String region) {
		count("offers");
		return Map.of("spring", new Offer("SPRING-" + region, 15), "summer", new Offer("SUMMER-" + region, 10));
	}

	@TieredCacheable("labels")
	public String label(String first, String second) {
		count("label2");
		return "two:" + first + "|" + second;
	}

	@TieredCacheable("labels")
	public String label(String combined) {
		count("label1");
		return "one:" + combined;
	}

	@TieredCacheable(value = "conditional", condition = "#id > 0", unless = "#result.name().startsWith('draft')")
	public Product conditional(long id, String name) {
		count("conditional");
		return new Product(id, name, BigDecimal.ONE);
	}

	@TieredCacheable(value = "optional", key = "#p0")
	public Optional<Product> maybe(long id) {
		count("maybe");
		return (id > 0) ? Optional.of(new Product(id, "Found", BigDecimal.ONE)) : Optional.empty();
	}

	@TieredCacheable("gated")
	public String gated(String key) throws InterruptedException {
		count("gated");
		this.gate.await(10, TimeUnit.SECONDS);
		return "opened " + key;
	}

	@TieredCacheable("nullable")
	public String nullable(String key) {
		count("nullable");
		return null;
	}

	@TieredCacheable("failing")
	public String failing(String key) throws IOException {
		count("failing");
		throw new IOException("backend failed for " + key);
	}

	@TieredCacheable(value = "products", key = "#root.args[0] * 1")
	public Product findByExpression(long id) {
		count("findByExpression");
		return new Product(id, "by expression", BigDecimal.ONE);
	}

	@TieredCachePut(value = "products", key = "#result.id()")
	public Product save(Product product) {
		count("save");
		this.names.put(product.id(), product.name());
		return product;
	}

	@TieredCacheEvict(value = "products", key = "#id")
	public void delete(long id) {
		count("delete");
	}

	@TieredCacheEvict(value = "products", key = "#id")
	public void failToDelete(long id) {
		count("failToDelete");
		throw new IllegalStateException("not deleted");
	}

	@TieredCacheEvict(value = "products", key = "#id", beforeInvocation = true)
	public void evictThenFail(long id) {
		count("evictThenFail");
		throw new IllegalStateException("failed after eviction");
	}

	@TieredCacheEvict(value = "products", allEntries = true)
	public void deleteAll() {
		count("deleteAll");
	}

	private void count(String method) {
		this.invocations.computeIfAbsent(method, (name) -> new AtomicInteger()).incrementAndGet();
	}

	public record Product(long id, String name, BigDecimal price) {
	}

	public record Offer(String code, int percent) {
	}

}
