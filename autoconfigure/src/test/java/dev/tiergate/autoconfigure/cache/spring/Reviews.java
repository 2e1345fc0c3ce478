package dev.tiergate.autoconfigure.cache.spring;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;

/**
 * A service on plain Spring cache annotations, as an application already on
 * {@code @Cacheable} has it; its default cache comes from {@code @CacheConfig}.
 */
@CacheConfig(cacheNames = "reviews")
public class Reviews {

	private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

	private volatile @Nullable CountDownLatch gate;

	private volatile @Nullable Thread lastInvokedOn;

	public int invocations(String method) {
		AtomicInteger count = this.invocations.get(method);
		return (count != null) ? count.get() : 0;
	}

	/** The thread that last ran {@link #summaryLater}. */
	public @Nullable Thread lastInvokedOn() {
		return this.lastInvokedOn;
	}

	public void reset() {
		this.invocations.clear();
		this.gate = null;
	}

	/** Makes the next calls of {@link #summary} and {@link #slowSummary} wait until the latch opens. */
	public void holdSummaries(CountDownLatch gate) {
		this.gate = gate;
	}

	@Cacheable
	public List<Review> forProduct(long productId) {
		count("forProduct");
		return List.of(new Review(productId, "ann", 5, "Great"), new Review(productId, "bob", 3, "Fine"));
	}

	@TieredCacheable(value = "reviews", key = "#productId")
	public List<Review> forProductTiered(long productId) {
		count("forProductTiered");
		return List.of();
	}

	@CachePut(key = "#productId")
	public List<Review> replace(long productId, String text) {
		count("replace");
		return List.of(new Review(productId, "cid", 4, text));
	}

	@Cacheable(cacheNames = "ratings", condition = "#productId > 0", unless = "#result < 0")
	public Integer rating(long productId) {
		count("rating");
		return (productId == 99) ? -1 : (int) (productId % 5);
	}

	@Cacheable(cacheNames = "summaries", sync = true)
	public Summary summary(long productId) throws InterruptedException {
		count("summary");
		CountDownLatch latch = this.gate;
		if (latch != null) {
			latch.await(10, TimeUnit.SECONDS);
		}
		return new Summary(productId, 2, new BigDecimal("4.00"));
	}

	@Cacheable("slowSummaries")
	public Summary slowSummary(long productId) throws InterruptedException {
		int call = count("slowSummary");
		CountDownLatch latch = this.gate;
		if (latch != null) {
			latch.await(10, TimeUnit.SECONDS);
		}
		if (productId < 0 && call == 1) {
			throw new IllegalStateException("the first call fails");
		}
		return new Summary(productId, 2, new BigDecimal("4.00"));
	}

	@CacheEvict(key = "#productId", beforeInvocation = true)
	public void forgetThenFail(long productId) {
		count("forgetThenFail");
		throw new IllegalStateException("failed after the eviction");
	}

	@CacheEvict(key = "#productId")
	public void failThenForget(long productId) {
		count("failThenForget");
		throw new IllegalStateException("failed before the eviction");
	}

	@Caching(evict = { @CacheEvict(key = "#productId"), @CacheEvict(cacheNames = "summaries", key = "#productId") })
	public void forget(long productId) {
		count("forget");
	}

	@Cacheable(cacheNames = "byAuthor", keyGenerator = "authorPageKeys")
	public List<Review> byAuthor(String author, int page) {
		count("byAuthor");
		return List.of(new Review(page, author, 1, "page " + page));
	}

	@Cacheable("pages")
	public List<Review> page(long productId, int page) {
		count("page");
		return List.of(new Review(productId, "dee", page, "page " + page));
	}

	@Cacheable("latest")
	public Optional<Review> latest(long productId) {
		count("latest");
		return (productId > 0) ? Optional.of(new Review(productId, "eve", 2, "Latest")) : Optional.empty();
	}

	@Cacheable("missing")
	public @Nullable Review missing(long productId) {
		count("missing");
		return null;
	}

	@Cacheable("futures")
	public CompletableFuture<Summary> summaryLater(long productId) {
		count("summaryLater");
		this.lastInvokedOn = Thread.currentThread();
		return CompletableFuture.supplyAsync(() -> new Summary(productId, 1, BigDecimal.ONE));
	}

	@Cacheable(cacheNames = "futures", key = "'sync:' + #productId", sync = true)
	public CompletableFuture<Summary> summaryLaterSync(long productId) {
		count("summaryLaterSync");
		return CompletableFuture.supplyAsync(() -> new Summary(productId, 1, BigDecimal.TEN));
	}

	@Cacheable("monos")
	public Mono<Summary> summaryMono(long productId) {
		count("summaryMono");
		return Mono.fromSupplier(() -> new Summary(productId, 3, BigDecimal.ONE));
	}

	@Cacheable("fluxes")
	public Flux<Review> reviewsFlux(long productId) {
		count("reviewsFlux");
		return Flux.just(new Review(productId, "fay", 5, "one"), new Review(productId, "gil", 4, "two"));
	}

	private int count(String method) {
		return this.invocations.computeIfAbsent(method, (name) -> new AtomicInteger()).incrementAndGet();
	}

	public record Review(long productId, String author, int stars, String text) {
	}

	public record Summary(long productId, int reviews, BigDecimal average) {
	}

}
