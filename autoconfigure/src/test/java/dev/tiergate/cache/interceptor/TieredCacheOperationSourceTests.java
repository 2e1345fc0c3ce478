package dev.tiergate.cache.interceptor;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.interceptor.KeySource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.AliasFor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TieredCacheOperationSource}: the annotations apply as Spring's cache
 * annotations do (the most specific declaration replaces the others, meta-annotations
 * count), and what cannot work fails startup naming the method. The caches are L1-only:
 * which annotations apply does not depend on Redis.
 */
class TieredCacheOperationSourceTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
				TieredCacheAutoConfiguration.class))
		// Interface-based proxies, as with @EnableCaching, so the interface method is the
		// one invoked.
		.withPropertyValues("spring.aop.proxy-target-class=false", "tiergate.cache.defaults.cache-nulls=true");

	@Test
	void theImplementationsAnnotationReplacesTheInterfaceMethodsInsteadOfAddingUp() {
		this.contextRunner.withBean(Api.class, Impl::new).run((context) -> {
			Api api = context.getBean(Api.class);
			Object first = api.find("k");
			Object second = api.find("k");
			assertThat(second).as("only the implementation's @TieredCacheEvict applies, so the method runs again")
				.isNotEqualTo(first);
		});
	}

	@Test
	void theInterfaceMethodsAnnotationAppliesWhenTheImplementationDeclaresNone() {
		this.contextRunner.withBean(Api.class, UnannotatedImpl::new).run((context) -> {
			Api api = context.getBean(Api.class);
			assertThat(api.find("k")).isEqualTo(api.find("k"));
		});
	}

	@Test
	void anOverridingMethodsAnnotationReplacesTheSuperclassMethods() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=true")
			.withBean(Subclass.class, Subclass::new)
			.run((context) -> {
				Subclass service = context.getBean(Subclass.class);
				assertThat(service.find("k")).as("only the subclass's @TieredCacheEvict applies")
					.isNotEqualTo(service.find("k"));
				assertThat(service.inherited("k")).as("a method that is not overridden keeps its annotation")
					.isEqualTo(service.inherited("k"));
			});
	}

	@Test
	void aComposedAnnotationIsHonouredWithItsAliasedAttributes() {
		this.contextRunner.withBean(Shop.class, Shop::new).run((context) -> {
			Shop shop = context.getBean(Shop.class);
			assertThat(shop.productByComposedAnnotation("1", 7)).as("the key is #id only, as the alias says")
				.isEqualTo(shop.productByComposedAnnotation("1", 8));
		});
	}

	@Test
	void twoComposedEvictAnnotationsOnOneMethodBothEvict() {
		this.contextRunner.withBean(Shop.class, Shop::new).run((context) -> {
			Shop shop = context.getBean(Shop.class);
			String product = shop.product("1");
			String price = shop.price("1");
			assertThat(shop.product("1")).isEqualTo(product);
			assertThat(shop.price("1")).isEqualTo(price);
			shop.updateThroughComposedAnnotations("1");
			assertThat(shop.product("1")).as("evicted by @EvictsProducts").isNotEqualTo(product);
			assertThat(shop.price("1")).as("evicted by @EvictsPrices").isNotEqualTo(price);
		});
	}

	@Test
	void aRepeatedEvictAnnotationEvictsEveryTime() {
		this.contextRunner.withBean(Shop.class, Shop::new).run((context) -> {
			Shop shop = context.getBean(Shop.class);
			String product = shop.product("1");
			String price = shop.price("1");
			shop.updateThroughRepeatedAnnotations("1");
			assertThat(shop.product("1")).isNotEqualTo(product);
			assertThat(shop.price("1")).isNotEqualTo(price);
		});
	}

	@Test
	void twoCacheableAnnotationsOnOneMethodFailStartupNamingTheMethod() {
		this.contextRunner.withBean(TwoCacheables.class, TwoCacheables::new)
			.run((context) -> assertThat(failure(context)).hasMessage(
					"method TieredCacheOperationSourceTests.TwoCacheables.find(String): carries 2 @TieredCacheable"
							+ " annotations (through @CachedInA, @CachedInB), but a method reads through one cache"));
	}

	@Test
	void cacheableAndPutOnOneMethodFailStartupNamingTheMethod() {
		this.contextRunner.withBean(CacheableAndPut.class, CacheableAndPut::new)
			.run((context) -> assertThat(failure(context)).hasMessage(
					"method TieredCacheOperationSourceTests.CacheableAndPut.find(String): carries both @TieredCacheable"
							+ " and @TieredCachePut"));
	}

	@Test
	void resultInTheConditionOfACacheableFailsStartupNamingTheMethod() {
		this.contextRunner.withBean(ResultInCondition.class, ResultInCondition::new)
			.run((context) -> assertThat(failure(context)).hasMessage(
					"method TieredCacheOperationSourceTests.ResultInCondition.find(String): condition '#result != null'"
							+ " of @TieredCacheable uses #result, which does not exist before the method is invoked"));
	}

	@Test
	void aCacheAnnotationOnAClassFailsStartupNamingTheMethod() {
		this.contextRunner.withBean(ClassLevel.class, ClassLevel::new)
			.run((context) -> assertThat(failure(context)).hasMessageStartingWith(
					"method TieredCacheOperationSourceTests.ClassLevel.find(String): carries @TieredCacheable through"
							+ " @CachedClass on its class or interface, but tiered cache annotations apply to methods"));
	}

	@Test
	void aKeyThatRefersToAnArgumentOfAMethodWithoutParametersSaysItHasNone() {
		this.contextRunner.withBean(NoParameters.class)
			.run((context) -> assertThat(failure(context))
				.hasMessage("method TieredCacheOperationSourceTests.NoParameters.all(): key '#p0' of @TieredCacheable"
						+ " refers to argument 0, but the method has no parameters")
				.satisfies((ex) -> assertThat(((TiergateConfigurationException) ex).getAction())
					.isEqualTo("Remove the key.")));
	}

	@Test
	void aKeyThatNamesAParameterIsReadWithoutSpel() {
		this.contextRunner.withBean(Shop.class, Shop::new).run((context) -> {
			Shop shop = context.getBean(Shop.class);
			CacheOperations operations = context.getBean(TieredCacheAdvisor.class).operationSource()
				.get(Shop.class.getMethod("product", String.class), shop);
			assertThat(operations.cacheable().key()).isEqualTo(new KeySource.Argument(0));
			assertThat(operations.needsEvaluation()).isFalse();
			CacheOperations evicts = context.getBean(TieredCacheAdvisor.class).operationSource()
				.get(Shop.class.getMethod("updateThroughRepeatedAnnotations", String.class), shop);
			assertThat(evicts.evictsAfter()).extracting(CacheOperation::key)
				.containsExactly(new KeySource.Argument(0), new KeySource.Argument(0));
			assertThat(evicts.evictsBefore()).isEmpty();
		});
	}

	static Throwable failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable cause = context.getStartupFailure();
		while (cause != null && !(cause instanceof TiergateConfigurationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("a TiergateConfigurationException among the causes of " + context.getStartupFailure())
			.isNotNull();
		return cause;
	}

	interface Api {

		@TieredCacheable("a")
		Integer find(String id);

	}

	static class Impl implements Api {

		private final AtomicInteger counter = new AtomicInteger();

		@Override
		@TieredCacheEvict("b")
		public Integer find(String id) {
			return this.counter.incrementAndGet();
		}

	}

	static class UnannotatedImpl implements Api {

		private final AtomicInteger counter = new AtomicInteger();

		@Override
		public Integer find(String id) {
			return this.counter.incrementAndGet();
		}

	}

	public static class Superclass {

		final AtomicInteger counter = new AtomicInteger();

		@TieredCacheable("a")
		public Integer find(String id) {
			return this.counter.incrementAndGet();
		}

		@TieredCacheable("a")
		public Integer inherited(String id) {
			return this.counter.incrementAndGet();
		}

	}

	public static class Subclass extends Superclass {

		@Override
		@TieredCacheEvict("b")
		public Integer find(String id) {
			return this.counter.incrementAndGet();
		}

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@TieredCacheable("products")
	@interface CachedProduct {

		@AliasFor(annotation = TieredCacheable.class, attribute = "key")
		String key() default "";

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@TieredCacheEvict(value = "products", key = "#id")
	@interface EvictsProducts {

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@TieredCacheEvict(value = "prices", key = "#id")
	@interface EvictsPrices {

	}

	public static class Shop {

		private final AtomicInteger products = new AtomicInteger();

		private final AtomicInteger prices = new AtomicInteger();

		@TieredCacheable(value = "products", key = "#id")
		public String product(String id) {
			return id + "/" + this.products.incrementAndGet();
		}

		@CachedProduct(key = "#id")
		public String productByComposedAnnotation(String id, int ignored) {
			return id + "/" + this.products.incrementAndGet();
		}

		@TieredCacheable(value = "prices", key = "#id")
		public String price(String id) {
			return id + "/" + this.prices.incrementAndGet();
		}

		@EvictsProducts
		@EvictsPrices
		public void updateThroughComposedAnnotations(String id) {
		}

		@TieredCacheEvict(value = "products", key = "#id")
		@TieredCacheEvict(value = "prices", key = "#id")
		public void updateThroughRepeatedAnnotations(String id) {
		}

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@TieredCacheable("a")
	@interface CachedInA {

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@TieredCacheable("b")
	@interface CachedInB {

	}

	public static class TwoCacheables {

		@CachedInA
		@CachedInB
		public String find(String id) {
			return id;
		}

	}

	public static class CacheableAndPut {

		@CachedInA
		@TieredCachePut("a")
		public String find(String id) {
			return id;
		}

	}

	public static class ResultInCondition {

		@TieredCacheable(value = "a", condition = "#result != null")
		public String find(String id) {
			return id;
		}

	}

	public static class NoParameters {

		@TieredCacheable(value = "a", key = "#p0")
		public String all() {
			return "all";
		}

	}

	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@TieredCacheable("a")
	@interface CachedClass {

	}

	@CachedClass
	public static class ClassLevel {

		public String find(String id) {
			return id;
		}

	}

}
