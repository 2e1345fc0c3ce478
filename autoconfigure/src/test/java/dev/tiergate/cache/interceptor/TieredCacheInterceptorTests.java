package dev.tiergate.cache.interceptor;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link TieredCacheInterceptor}: each annotation does its part around the
 * call (read through, put, evict before or after the invocation, clear), on L1-only
 * caches: what the interceptor does does not depend on Redis.
 */
class TieredCacheInterceptorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
				TieredCacheAutoConfiguration.class))
		.withPropertyValues("tiergate.cache.defaults.cache-nulls=true")
		.withBean(Products.class);

	@Test
	void aCacheableMethodRunsOncePerKey() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			assertThat(products.find("1")).isEqualTo(products.find("1")).isEqualTo("1/1");
			assertThat(products.find("2")).isEqualTo("2/2");
		});
	}

	@Test
	void aConditionThatIsFalseBypassesTheCache() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			assertThat(products.findUnlessLive("live")).isNotEqualTo(products.findUnlessLive("live"));
			assertThat(products.findUnlessLive("1")).isEqualTo(products.findUnlessLive("1"));
		});
	}

	@Test
	void anOptionalIsCachedByItsContentAndAnEmptyOneAsNull() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			assertThat(products.maybe("")).isEmpty();
			assertThat(products.maybe("")).isEmpty();
			assertThat(products.maybe("1")).contains("1");
			assertThat(products.maybe("1")).contains("1");
			assertThat(products.loads()).isEqualTo(2);
		});
	}

	@Test
	void aPutStoresTheResultUnlessVetoed() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			products.update("1", "fresh");
			assertThat(products.find("1")).isEqualTo("fresh");
			products.update("1", "fresh draft");
			assertThat(products.find("1")).as("a draft is not stored").isEqualTo("fresh");
			assertThat(products.loads()).isZero();
		});
	}

	@Test
	void anEvictionBeforeTheInvocationHappensEvenWhenTheMethodThrows() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			String cached = products.find("1");
			assertThatIllegalStateException().isThrownBy(() -> products.removeThenFail("1"));
			assertThat(products.find("1")).isNotEqualTo(cached);
		});
	}

	@Test
	void anEvictionAfterTheInvocationDoesNotHappenWhenTheMethodThrows() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			String cached = products.find("1");
			assertThatIllegalStateException().isThrownBy(() -> products.failThenRemove("1"));
			assertThat(products.find("1")).isEqualTo(cached);
			products.remove("1");
			assertThat(products.find("1")).isNotEqualTo(cached);
		});
	}

	@Test
	void anEvictionOfAllEntriesClearsTheCache() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			String one = products.find("1");
			String two = products.find("2");
			products.clear();
			assertThat(products.find("1")).isNotEqualTo(one);
			assertThat(products.find("2")).isNotEqualTo(two);
		});
	}

	public static class Products {

		private final AtomicInteger loads = new AtomicInteger();

		// Read through a method: a field of a class-based proxy is the proxy's, not the target's.
		public int loads() {
			return this.loads.get();
		}

		@TieredCacheable(value = "products", key = "#id")
		public String find(String id) {
			return id + "/" + this.loads.incrementAndGet();
		}

		@TieredCacheable(value = "live", key = "#id", condition = "#id != 'live'")
		public String findUnlessLive(String id) {
			return id + "/" + this.loads.incrementAndGet();
		}

		@TieredCacheable(value = "optional", key = "#id")
		public Optional<String> maybe(String id) {
			this.loads.incrementAndGet();
			return id.isEmpty() ? Optional.empty() : Optional.of(id);
		}

		@TieredCachePut(value = "products", key = "#id", unless = "#result.endsWith('draft')")
		public String update(String id, String value) {
			return value;
		}

		@TieredCacheEvict(value = "products", key = "#id", beforeInvocation = true)
		public void removeThenFail(String id) {
			throw new IllegalStateException("failed");
		}

		@TieredCacheEvict(value = "products", key = "#id")
		public void failThenRemove(String id) {
			throw new IllegalStateException("failed");
		}

		@TieredCacheEvict(value = "products", key = "#id")
		public void remove(String id) {
		}

		@TieredCacheEvict(value = "products", allEntries = true)
		public void clear() {
		}

	}

}
