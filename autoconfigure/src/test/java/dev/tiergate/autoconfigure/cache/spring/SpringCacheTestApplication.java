package dev.tiergate.autoconfigure.cache.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.autoconfigure.cache.ManualTickerAndMeters;
import dev.tiergate.test.RedisTopology;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * An application already on Spring's cache annotations that switches to tiergate with
 * the starter and one property; its {@code CachingConfigurer} only adds an error handler.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ManualTickerAndMeters.class)
@EnableCaching
public class SpringCacheTestApplication implements CachingConfigurer {

	static final String[] PROPERTIES = { "spring.application.name=reviews-it", "tiergate.cache.spring.enabled=true",
			"tiergate.redis.timeout=2s", "tiergate.cache.defaults.l1.ttl=30s", "tiergate.cache.defaults.l2.ttl=1h",
			"tiergate.cache.defaults.l2.ttl-jitter=0", "tiergate.cache.caches.reviews.l1.max-size=1000",
			"management.endpoints.web.exposure.include=caches,health" };

	private final RecordingErrorHandler errors = new RecordingErrorHandler();

	private final AtomicInteger priceInvocations = new AtomicInteger();

	@Bean
	Reviews reviews() {
		return new Reviews();
	}

	@Bean
	Prices prices() {
		return new Prices(this.priceInvocations);
	}

	@Bean
	AtomicInteger priceInvocations() {
		return this.priceInvocations;
	}

	@Bean
	KeyGenerator authorPageKeys() {
		return (target, method, params) -> params[0] + "/" + params[1];
	}

	@Bean
	RecordingErrorHandler recordingErrorHandler() {
		return this.errors;
	}

	@Override
	public CacheErrorHandler errorHandler() {
		return this.errors;
	}

	static ConfigurableApplicationContext start(RedisTopology redis, String... properties) {
		return new SpringApplicationBuilder(SpringCacheTestApplication.class).web(WebApplicationType.NONE)
			.properties(PROPERTIES)
			.properties(redis.springPropertyArguments())
			.properties(properties)
			.run();
	}

	/** Records what reaches the application's error handler. */
	static final class RecordingErrorHandler implements CacheErrorHandler {

		final List<RuntimeException> errors = new CopyOnWriteArrayList<>();

		@Override
		public void handleCacheGetError(RuntimeException exception, Cache cache, Object key) {
			this.errors.add(exception);
		}

		@Override
		public void handleCachePutError(RuntimeException exception, Cache cache, Object key, @Nullable Object value) {
			this.errors.add(exception);
		}

		@Override
		public void handleCacheEvictError(RuntimeException exception, Cache cache, Object key) {
			this.errors.add(exception);
		}

		@Override
		public void handleCacheClearError(RuntimeException exception, Cache cache) {
			this.errors.add(exception);
		}

	}

}
