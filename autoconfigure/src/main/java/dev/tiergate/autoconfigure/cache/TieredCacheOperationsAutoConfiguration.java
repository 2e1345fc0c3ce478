package dev.tiergate.autoconfigure.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.cache.TieredCacheOperations;
import dev.tiergate.cache.TieredCaches;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link TieredCacheOperations}, the tiered caches for code that
 * cannot use the annotations.
 */
@AutoConfiguration(after = TieredCacheAutoConfiguration.class)
@ConditionalOnClass(Caffeine.class)
@ConditionalOnBean(TieredCaches.class)
public final class TieredCacheOperationsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TieredCacheOperations tieredCacheOperations(TieredCaches caches) {
		return new TieredCacheOperations(caches);
	}

}
