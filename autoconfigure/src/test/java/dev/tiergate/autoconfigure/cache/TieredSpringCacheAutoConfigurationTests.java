package dev.tiergate.autoconfigure.cache;

import java.util.Map;

import dev.tiergate.cache.ArgumentsKey;
import dev.tiergate.cache.spring.TieredCacheManager;
import dev.tiergate.cache.spring.TieredCacheResolver;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.CacheInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class TieredSpringCacheAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class,
				TieredSpringCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(Caching.class);

	@Test
	void whenTheSwitchIsOffThenBootsCacheManagerStays() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(CacheManager.class)
			.doesNotHaveBean(TieredCacheManager.class)
			.doesNotHaveBean(TieredCacheResolver.class));
	}

	@Test
	void whenTheSwitchIsOnThenTheCacheManagerIsTiergates() {
		this.contextRunner.withPropertyValues("tiergate.cache.spring.enabled=true",
				"tiergate.cache.caches.reviews.l1.ttl=1m")
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheManager.class).hasSingleBean(TieredCacheManager.class);
				assertThat(context.getBean(CacheManager.class).getCacheNames()).containsExactly("reviews");
				CacheInterceptor interceptor = context.getBean(CacheInterceptor.class);
				assertThat(interceptor.getCacheResolver()).isSameAs(context.getBean(TieredCacheResolver.class));
				assertThat(interceptor.getKeyGenerator().generate(this, Object.class.getMethod("hashCode"), 1L, 2))
					.isEqualTo(ArgumentsKey.of(new Object[] { 1L, 2 }));
			});
	}

	@Test
	void bootsCacheMetersAreBoundOnceForConfiguredCachesAndForCachesCreatedLater(CapturedOutput output) {
		this.contextRunner.withPropertyValues("tiergate.cache.spring.enabled=true",
				"tiergate.cache.caches.reviews.l1.ttl=1m")
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CacheMetricsAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.find("cache.gets").tags("cache", "reviews", "cache.manager", "cacheManager").meters())
					.isNotEmpty();
				context.getBean(CacheManager.class).getCache("later");
				assertThat(meters.find("cache.gets").tags("cache", "later", "cache.manager", "cacheManager").meters())
					.isNotEmpty();
			});
		// Micrometer warns when a cache's meters are bound a second time.
		assertThat(output).doesNotContain("already registered");
	}

	@Test
	void whenTheApplicationDefinesACacheManagerThenItIsKept() {
		this.contextRunner.withPropertyValues("tiergate.cache.spring.enabled=true")
			.withUserConfiguration(OwnCacheManager.class)
			.run((context) -> assertThat(context).hasSingleBean(CacheManager.class)
				.doesNotHaveBean(TieredCacheManager.class)
				.getBean(CacheManager.class)
				.isInstanceOf(ConcurrentMapCacheManager.class));
	}

	@Test
	void withoutEnableCachingNothingIsConfigured() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class,
					TieredSpringCacheAutoConfiguration.class, CacheAutoConfiguration.class))
			.withPropertyValues("tiergate.cache.spring.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(CacheManager.class));
	}

	@Test
	void whenTheSwitchIsOnThenCachesStoreNullsByDefault() {
		assertThat(cacheNullsDefault(Map.of("tiergate.cache.spring.enabled", "true"))).isEqualTo("true");
	}

	@Test
	void aCacheNullsSettingOfTheApplicationWinsOverTheDefault() {
		StandardEnvironment environment = environment(Map.of("tiergate.cache.spring.enabled", "true",
				"tiergate.cache.defaults.cache-nulls", "false"));
		assertThat(environment.getProperty("tiergate.cache.defaults.cache-nulls")).isEqualTo("false");
	}

	@Test
	void withoutTheSwitchOrWithNullsDisallowedTheDefaultStays() {
		assertThat(cacheNullsDefault(Map.of())).isNull();
		assertThat(cacheNullsDefault(Map.of("tiergate.cache.spring.enabled", "true",
				"tiergate.cache.spring.allow-null-values", "false")))
			.isNull();
	}

	private static String cacheNullsDefault(Map<String, Object> properties) {
		return environment(properties).getProperty("tiergate.cache.defaults.cache-nulls");
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		new TieredSpringCacheDefaults().postProcessEnvironment(environment, null);
		return environment;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Caching {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		@Bean
		ConcurrentMapCacheManager ownCacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

}
