package dev.tiergate.autoconfigure.cache;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.PropertyMetadata;
import dev.tiergate.autoconfigure.cache.Catalog.Product;
import dev.tiergate.autoconfigure.metrics.TiergateMetricsAutoConfiguration;
import dev.tiergate.cache.warmup.CacheWarmer;
import dev.tiergate.cache.warmup.CacheWarmup;
import dev.tiergate.cache.warmup.TieredCacheWarmer;
import dev.tiergate.cache.warmup.spring.TieredCacheWarmerMethods;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wiring of cache warm-up, on L1 only: the runs themselves are in
 * {@link CacheWarmupIntegrationTests}.
 */
class CacheWarmupAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class,
				CacheWarmupAutoConfiguration.class, TiergateMetricsAutoConfiguration.class))
		.withPropertyValues("spring.application.name=warmup");

	@Test
	void warmUpIsOnByDefaultWithItsMetersWhenMicrometerHasARegistry() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(CacheWarmup.class).hasSingleBean(TieredCacheWarmerMethods.class);
			assertThat(context).hasSingleBean(CacheWarmup.Listener.class);
			TieredCacheProperties.Warmup properties = context.getBean(TieredCacheProperties.class).getWarmup();
			assertThat(properties.getTimeout()).isEqualTo(CacheWarmup.DEFAULT_TIMEOUT);
			assertThat(properties.getLease()).isEqualTo(CacheWarmup.DEFAULT_LEASE);
			assertThat(properties.getCron()).isNull();
		});
	}

	@Test
	void theDefaultsInTheMetadataAreTheEnginesDefaults() {
		Map<String, Object> documented = PropertyMetadata.defaultValues("tiergate.cache.warmup.");
		assertThat(documented).containsEntry("tiergate.cache.warmup.enabled", "true");
		assertThat(DurationStyle.detectAndParse((String) documented.get("tiergate.cache.warmup.timeout")))
			.isEqualTo(CacheWarmup.DEFAULT_TIMEOUT);
		assertThat(DurationStyle.detectAndParse((String) documented.get("tiergate.cache.warmup.lease")))
			.isEqualTo(CacheWarmup.DEFAULT_LEASE);
	}

	@Test
	void whenWarmUpIsDisabledNothingOfItIsCreated() {
		this.contextRunner.withPropertyValues("tiergate.cache.warmup.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CacheWarmup.class)
				.doesNotHaveBean(TieredCacheWarmerMethods.class));
	}

	@Test
	void whenCachingIsDisabledThereIsNoWarmUp() {
		this.contextRunner.withPropertyValues("tiergate.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CacheWarmup.class));
	}

	@Test
	void anAnnotatedMethodBecomesAWarmerOfItsCacheWithTheMapsValueType() {
		this.contextRunner.withUserConfiguration(GoodWarmers.class).run((context) -> {
			List<CacheWarmer> warmers = context.getBean(TieredCacheWarmerMethods.class).warmers();
			assertThat(warmers).singleElement().satisfies((warmer) -> {
				assertThat(warmer.cacheName()).isEqualTo("products");
				assertThat(warmer.valueType()).isEqualTo(Product.class);
				assertThat(new ArrayList<Object>(warmer.entries().keySet())).containsExactly(1L);
				assertThat(warmer).hasToString("method CacheWarmupAutoConfigurationTests.HotProducts.hotProducts()");
			});
		});
	}

	@Test
	void anAnnotatedMethodWithParametersFailsStartupNamingTheMethod() {
		assertRefused(WarmerWithParameters.class, "WarmerWithParameters.products(int)", "without parameters");
	}

	@Test
	void anAnnotatedMethodThatReturnsNoMapFailsStartupNamingTheMethod() {
		assertRefused(WarmerReturningAList.class, "WarmerReturningAList.products()", "returning Map<K, V>");
	}

	@Test
	void anAnnotatedMethodReturningARawMapFailsStartupNamingTheMethod() {
		assertRefused(WarmerReturningARawMap.class, "WarmerReturningARawMap.products()", "value type");
	}

	private void assertRefused(Class<?> configuration, String method, String problem) {
		this.contextRunner.withUserConfiguration(configuration)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(TiergateConfigurationException.class)
				.hasMessageContaining("method CacheWarmupAutoConfigurationTests." + method)
				.hasMessageContaining(problem));
	}

	@Test
	void aCronExpressionThatDoesNotParseFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.cache.warmup.cron=every night")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.cache.warmup.cron with value 'every night'")
				.hasMessageContaining("is not a cron expression"));
	}

	@Test
	void aTimeoutThatIsNotPositiveFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.cache.warmup.timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.cache.warmup.timeout with value 'PT0S'")
				.hasMessageContaining("must be positive"));
	}

	@Configuration(proxyBeanMethods = false)
	static class GoodWarmers {

		@Bean
		HotProducts hotProducts() {
			return new HotProducts();
		}

	}

	static class HotProducts {

		@TieredCacheWarmer("products")
		Map<Long, Product> hotProducts() {
			return Map.of(1L, new Product(1, "Kettle", BigDecimal.TEN));
		}

		@Override
		public String toString() {
			return "hot products";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WarmerWithParameters {

		@TieredCacheWarmer("products")
		Map<Long, Product> products(int count) {
			return Map.of();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WarmerReturningAList {

		@TieredCacheWarmer("products")
		List<Product> products() {
			return List.of();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WarmerReturningARawMap {

		@SuppressWarnings("rawtypes")
		@TieredCacheWarmer("products")
		Map products() {
			return Map.of();
		}

	}

}
