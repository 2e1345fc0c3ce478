package dev.tiergate.autoconfigure.cache;

import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.cache.warmup.CacheWarmer;
import dev.tiergate.cache.warmup.CacheWarmup;
import dev.tiergate.cache.warmup.spring.TieredCacheWarmerMethods;
import dev.tiergate.redis.GuardedRedis;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * Auto-configuration of cache warm-up: the {@link CacheWarmer} beans and
 * {@code @TieredCacheWarmer} methods run once as an {@link ApplicationRunner}, so before
 * Boot publishes {@code ReadinessState.ACCEPTING_TRAFFIC} (on {@code ApplicationReadyEvent},
 * after the runners), bounded by {@code tiergate.cache.warmup.timeout}; then on
 * {@code tiergate.cache.warmup.cron}, if set. With Redis, one instance warms each cache per
 * run (a lease in Redis) and the others read L2.
 */
@AutoConfiguration(after = TieredCacheAutoConfiguration.class)
@ConditionalOnClass(Caffeine.class)
@ConditionalOnBean(TieredCaches.class)
@ConditionalOnBooleanProperty(name = "tiergate.cache.warmup.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TieredCacheProperties.class)
public final class CacheWarmupAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static TieredCacheWarmerMethods tieredCacheWarmerMethods() {
		return new TieredCacheWarmerMethods();
	}

	@Bean
	@ConditionalOnMissingBean
	CacheWarmup cacheWarmup(TieredCaches caches, TieredCacheProperties properties,
			ObjectProvider<CacheWarmer> warmerBeans, TieredCacheWarmerMethods warmerMethods,
			ObjectProvider<GuardedRedis> redis, ObjectProvider<CacheWarmup.Listener> listener) {
		CacheWarmup.Builder builder = CacheWarmup.builder(caches, () -> {
			List<CacheWarmer> warmers = new ArrayList<>(warmerBeans.orderedStream().toList());
			warmers.addAll(warmerMethods.warmers());
			return warmers;
		});
		GuardedRedis guardedRedis = redis.getIfAvailable();
		builder.l2((guardedRedis != null) ? new LettuceL2Store(guardedRedis) : null);
		listener.ifAvailable(builder::listener);
		return CacheWarmupSettingsMapper.configure(builder, properties.getWarmup()).build();
	}

	@Bean
	ApplicationRunner tieredCacheWarmupRunner(CacheWarmup warmup) {
		return (arguments) -> {
			warmup.run();
			warmup.startSchedule();
		};
	}

}
