package dev.tiergate.autoconfigure.cache;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.web.CacheStatusPolicy;
import dev.tiergate.cache.web.CacheStatusResponseAdvice;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of HTTP for tiered caches in a servlet application: the
 * {@code Cache-Status} header of annotated controller methods, per cache
 * ({@code tiergate.cache.caches.<name>.cache-status}, on by default), and the bypass of a
 * request's {@code Cache-Control: no-cache} ({@code ...request-no-cache}, off by default).
 */
@AutoConfiguration(after = TieredCacheAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnBean(TieredCaches.class)
public final class TieredCacheWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CacheStatusPolicy tieredCacheStatusPolicy(TieredCacheProperties properties) {
		return new CacheStatusPolicy() {

			@Override
			public boolean reportsStatus(String cacheName) {
				TieredCacheProperties.Cache cache = properties.getCaches().get(cacheName);
				return cache == null || cache.getCacheStatus() == null || cache.getCacheStatus();
			}

			@Override
			public boolean honoursNoCache(String cacheName) {
				TieredCacheProperties.Cache cache = properties.getCaches().get(cacheName);
				return cache != null && Boolean.TRUE.equals(cache.getRequestNoCache());
			}

		};
	}

	@Bean
	CacheStatusResponseAdvice tieredCacheStatusResponseAdvice(CacheStatusPolicy policy) {
		return new CacheStatusResponseAdvice(policy);
	}

	@Bean
	WebMvcConfigurer tieredCacheStatusWebMvcConfigurer(CacheStatusResponseAdvice advice) {
		AsyncHandlerInterceptor interceptor = advice.interceptor();
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(interceptor);
			}

		};
	}

}
