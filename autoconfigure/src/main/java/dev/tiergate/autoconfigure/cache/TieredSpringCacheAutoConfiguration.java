package dev.tiergate.autoconfigure.cache;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.spring.TieredCacheManager;
import dev.tiergate.cache.spring.TieredCacheMeterBinderProvider;
import dev.tiergate.cache.spring.TieredCacheResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

import org.springframework.aop.PointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.BeanFactoryCacheOperationSourceAdvisor;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;

/**
 * Auto-configuration of Spring's cache abstraction on tiered caches: with
 * {@code @EnableCaching} and {@code tiergate.cache.spring.enabled=true}, the application's
 * {@link CacheManager} is a {@link TieredCacheManager}, unless the application defines its
 * own, and Spring's cache aspect resolves caches with a {@link TieredCacheResolver}.
 * Before Boot's cache auto-configuration, which then backs off.
 */
@AutoConfiguration(after = TieredCacheAutoConfiguration.class,
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBooleanProperty(name = "tiergate.cache.spring.enabled")
@ConditionalOnBean({ CacheAspectSupport.class, TieredCaches.class })
@ConditionalOnMissingBean(value = CacheManager.class, name = "cacheResolver")
public final class TieredSpringCacheAutoConfiguration {

	@Bean
	TieredCacheManager cacheManager(TieredCaches caches, TieredCacheProperties properties) {
		return new TieredCacheManager(caches, properties.getCaches().keySet());
	}

	@Bean
	@ConditionalOnMissingBean
	TieredCacheResolver tieredCacheResolver(TieredCacheManager cacheManager) {
		return new TieredCacheResolver(cacheManager);
	}

	@Bean
	SmartInitializingSingleton tieredCacheAspectDefaults(ObjectProvider<CacheAspectSupport> aspects,
			TieredCacheManager cacheManager, TieredCacheResolver resolver) {
		return TieredCacheResolver.defaultOfSpringsAspects(aspects, cacheManager, resolver);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static PointcutAdvisor tieredCachedCallScopeAdvisor(CacheOperationSource cacheOperationSource,
			ObjectProvider<BeanFactoryCacheOperationSourceAdvisor> springCacheAdvisor) {
		return TieredCacheManager.callScopeAdvisor(cacheOperationSource, () -> {
			BeanFactoryCacheOperationSourceAdvisor advisor = springCacheAdvisor.getIfAvailable();
			return (advisor != null) ? advisor.getOrder() : Ordered.LOWEST_PRECEDENCE;
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ CacheMeterBinderProvider.class, MeterRegistry.class })
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TieredCacheMeterBinderProvider tieredCacheMeterBinderProvider() {
			return new TieredCacheMeterBinderProvider();
		}

		@Bean
		SmartInitializingSingleton tieredCacheMeterBinding(TieredCacheManager cacheManager,
				ObjectProvider<CacheMetricsRegistrar> registrar, ObjectProvider<MeterRegistry> registry) {
			// Boot binds the caches that exist when its registrar is created; the ones created
			// since then are bound here, and later ones once created.
			return () -> registrar.ifAvailable((metrics) -> {
				Tag manager = Tag.of("cache.manager", "cacheManager");
				cacheManager.onCacheCreated((cache) -> metrics.bindCacheToRegistry(cache, manager));
				MeterRegistry meters = registry.getIfAvailable();
				cacheManager.getCacheNames()
					.stream()
					.filter((name) -> meters == null || meters.find("cache.gets")
						.tags("cache", name, manager.getKey(), manager.getValue())
						.functionCounter() == null)
					.forEach((name) -> metrics.bindCacheToRegistry(cacheManager.getCache(name), manager));
			});
		}

	}

}
