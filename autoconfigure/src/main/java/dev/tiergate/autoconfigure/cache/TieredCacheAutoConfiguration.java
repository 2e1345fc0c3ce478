package dev.tiergate.autoconfigure.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tiergate.autoconfigure.TiergateInfrastructureConfiguration;
import dev.tiergate.autoconfigure.TiergateNamespace;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.CacheMetrics;
import dev.tiergate.cache.JsonL2Codec;
import dev.tiergate.cache.L2Codec;
import dev.tiergate.cache.TieredCacheOperations;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.interceptor.TieredCacheAdvisor;
import dev.tiergate.cache.redis.LettuceL2Store;
import dev.tiergate.cache.redis.RedisCacheInvalidations;
import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.redis.GuardedRedis;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of tiered caching: the {@link TieredCaches}, and the advice that
 * applies {@code @TieredCacheable}, {@code @TieredCachePut} and {@code @TieredCacheEvict}.
 * L2 is Redis when a {@link GuardedRedis} exists; without one, caches run on L1 only.
 */
@AutoConfiguration(after = TiergateRedisAutoConfiguration.class,
		afterName = "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration")
@ConditionalOnClass(Caffeine.class)
@ConditionalOnBooleanProperty(name = "tiergate.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TieredCacheProperties.class)
@Import(TiergateInfrastructureConfiguration.class)
public final class TieredCacheAutoConfiguration {

	private static final Log logger = LogFactory.getLog(TieredCacheAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	L2Codec tieredCacheL2Codec() {
		return new JsonL2Codec();
	}

	@Bean
	@ConditionalOnMissingBean
	TieredCaches tieredCaches(TieredCacheProperties properties, TiergateNamespace tiergateNamespace,
			ObjectProvider<GuardedRedis> guardedRedis, ObjectProvider<RedisCacheInvalidations> redisInvalidations,
			L2Codec codec, ObjectProvider<CacheMetrics.Factory> metrics, ObjectProvider<Ticker> ticker,
			ObjectProvider<TiergateObservations> observations) {
		TieredCacheSettingsResolver settings = new TieredCacheSettingsResolver(properties);
		settings.validateAll();
		TieredCaches.Builder builder = TieredCaches.builder(settings, tiergateNamespace.caches())
			.codec(codec)
			.metrics(metrics.getIfAvailable(() -> CacheMetrics.Factory.NONE))
			.observations(observations.getIfAvailable(() -> TiergateObservations.NONE));
		ticker.ifAvailable(builder::ticker);
		GuardedRedis redis = guardedRedis.getIfAvailable();
		RedisCacheInvalidations invalidations = redisInvalidations.getIfAvailable();
		if (redis == null || invalidations == null) {
			logger.info("No Lettuce connection to Redis is configured: tiered caches run on L1 only");
			return builder.build();
		}
		TieredCaches caches = builder.l2(new LettuceL2Store(redis)).invalidations(invalidations).build();
		// While Redis or the subscription was away, writes may not have reached Redis and invalidations
		// may have been missed: pending writes are applied and L1 starts over before either is used again.
		redis.state().onRecovery(caches::resynchronize);
		invalidations.onResubscribed(caches::resynchronize);
		invalidations.subscribe(caches::invalidateLocal);
		return caches;
	}

	/** The programmatic API over the caches, whichever bean they are. */
	@Bean
	@ConditionalOnMissingBean
	TieredCacheOperations tieredCacheOperations(TieredCaches caches) {
		return new TieredCacheOperations(caches);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnBean(GuardedRedis.class)
	@ConditionalOnMissingBean
	RedisCacheInvalidations tieredCacheInvalidations(GuardedRedis redis, TiergateNamespace namespace) {
		return new RedisCacheInvalidations(redis, namespace.caches());
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static TieredCacheAdvisor tieredCacheAdvisor(ObjectProvider<TieredCaches> caches,
			ConfigurableListableBeanFactory beanFactory, Environment environment) {
		// Read from the environment: binding the properties class this early would make it
		// ineligible for post-processing.
		int order = environment.getProperty("tiergate.cache.order", Integer.class, TieredCacheProperties.DEFAULT_ORDER);
		return new TieredCacheAdvisor(caches::getObject, new BeanFactoryResolver(beanFactory),
				ClassUtils.getDefaultClassLoader(), order);
	}

	@Bean
	static SmartInitializingSingleton tieredCacheMethodValidator(ConfigurableListableBeanFactory beanFactory,
			TieredCacheAdvisor advisor) {
		return advisor.methodValidator(beanFactory);
	}

}
