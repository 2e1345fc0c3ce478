package dev.tiergate.autoconfigure.ratelimit;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.tiergate.autoconfigure.TiergateInfrastructureConfiguration;
import dev.tiergate.autoconfigure.TiergateNamespace;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ClientKeyResolvers;
import dev.tiergate.ratelimit.ClientKeySpec;
import dev.tiergate.ratelimit.ConcurrencyLeases;
import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.ratelimit.PlanResolver;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TokenBuckets;
import dev.tiergate.ratelimit.interceptor.RateLimitAdvisor;
import dev.tiergate.ratelimit.redis.InstanceHeartbeat;
import dev.tiergate.ratelimit.redis.RedisConcurrencyLeases;
import dev.tiergate.ratelimit.redis.RedisTierOverrides;
import dev.tiergate.ratelimit.redis.RedisTokenBuckets;
import dev.tiergate.ratelimit.web.ForwardedHeader;
import dev.tiergate.ratelimit.web.RateLimitProblem;
import dev.tiergate.ratelimit.web.RateLimitResponseHeaders;
import dev.tiergate.ratelimit.web.RateLimitRouteFilter;
import dev.tiergate.ratelimit.web.RateLimitRouteWebFilter;
import dev.tiergate.ratelimit.web.RateLimitWebFilter;
import dev.tiergate.ratelimit.web.ReactiveClientKeyResolvers;
import dev.tiergate.ratelimit.web.ReactiveRateLimitResponseHeaders;
import dev.tiergate.ratelimit.web.ServletClientKeyResolvers;
import dev.tiergate.redis.GuardedRedis;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.WebFilter;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration of rate limiting: the {@link RateLimiters} of the configured tiers,
 * and the advice that applies {@code @RateLimited}. Buckets live in Redis when a
 * {@link GuardedRedis} exists, in this JVM otherwise. In a servlet or a WebFlux web
 * application it adds the rate-limit headers, the key resolvers that read the request,
 * the filter of the routes in configuration, and the 429 answer.
 */
@AutoConfiguration(after = TiergateRedisAutoConfiguration.class,
		afterName = { "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration",
				"dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration" })
@ConditionalOnClass(Bucket.class)
@ConditionalOnBooleanProperty(name = "tiergate.rate-limit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RateLimitProperties.class)
@Import(TiergateInfrastructureConfiguration.class)
public final class RateLimitAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RateLimitAutoConfiguration.class);

	private static final String PREFIX = "tiergate.rate-limit.";

	@Bean
	@ConditionalOnMissingBean
	RateLimiters rateLimiters(RateLimitProperties properties, ObjectProvider<TokenBuckets> distributedBuckets,
			ObjectProvider<TimeMeter> timeMeter, ObjectProvider<TiergateObservations> observations,
			ObjectProvider<PlanResolver> planResolver, ObjectProvider<LiveInstances> liveInstances,
			ObjectProvider<ConcurrencyLeases> distributedLeases) {
		List<RateLimitTier> tiers = RateLimitSettingsMapper.tiers(properties);
		Map<String, Map<String, List<RateLimitTier.Limit>>> plans = RateLimitSettingsMapper.plans(properties);
		RateLimitSettingsMapper.checkClientAddressProperties(properties);
		RateLimitSettingsMapper.fairShare(properties);
		long maxBuckets = RateLimitSettingsMapper.maxLocalBuckets(properties);
		TokenBuckets distributed = distributedBuckets.getIfAvailable();
		if (distributed == null) {
			logger.info("No Lettuce connection to Redis is configured: rate limits are enforced per instance");
		}
		return new RateLimiters(tiers, plans, planResolver.getIfAvailable(() -> PlanResolver.NONE), distributed,
				timeMeter.getIfAvailable(() -> TimeMeter.SYSTEM_NANOTIME), maxBuckets,
				observations.getIfAvailable(() -> TiergateObservations.NONE),
				liveInstances.getIfAvailable(() -> LiveInstances.ONE), distributedLeases.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static RateLimitAdvisor rateLimitAdvisor(ObjectProvider<RateLimiters> rateLimiters,
			ObjectProvider<ClientKeyResolvers> clientKeyResolvers, ObjectProvider<RateLimitListener> listeners,
			ConfigurableListableBeanFactory beanFactory, Environment environment) {
		int order = environment.getProperty(PREFIX + "order", Integer.class, RateLimitProperties.DEFAULT_ORDER);
		return new RateLimitAdvisor(rateLimiters::getObject, keyResolvers(clientKeyResolvers, environment),
				listener(listeners), new BeanFactoryResolver(beanFactory), ClassUtils.getDefaultClassLoader(), order);
	}

	@Bean
	static SmartInitializingSingleton rateLimitMethodValidator(ConfigurableListableBeanFactory beanFactory,
			RateLimitAdvisor advisor) {
		return advisor.methodValidator(beanFactory);
	}

	private static Function<String, ClientKeyResolver> keyResolvers(
			ObjectProvider<ClientKeyResolvers> clientKeyResolvers, Environment environment) {
		// Bound from the environment: binding the properties class this early would make it
		// ineligible for post-processing.
		RateLimitProperties properties = bindProperties(environment);
		Map<String, ClientKeySpec> specs = RateLimitSettingsMapper.keyResolverSpecs(properties);
		Map<String, ClientKeyResolver> resolvers = new ConcurrentHashMap<>();
		return (tier) -> resolvers.computeIfAbsent(tier, (name) -> {
			ClientKeyResolvers factory = clientKeyResolvers.getIfAvailable(() -> ClientKeyResolvers.WITHOUT_REQUESTS);
			return factory.forSpec(specs.getOrDefault(name, properties.getKeyResolver()));
		});
	}

	/** The 429 answer of annotated controllers, in Spring MVC and WebFlux alike. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnWebApplication
	@ConditionalOnClass(name = "org.springframework.web.bind.annotation.ControllerAdvice")
	RateLimitExceptionHandler rateLimitExceptionHandler(RateLimitProperties properties) {
		return new RateLimitExceptionHandler(new RateLimitProblem(properties.getHeaders().isIetf()));
	}

	static Supplier<RateLimitListener> listener(ObjectProvider<RateLimitListener> listeners) {
		return () -> RateLimitListener.all(listeners.orderedStream().toList());
	}

	@Bean
	@ConfigurationPropertiesBinding
	static Converter<String, ClientKeySpec> rateLimitClientKeySpecConverter() {
		return new ClientKeySpecConverter();
	}

	private static RateLimitProperties bindProperties(Environment environment) {
		ApplicationConversionService conversion = new ApplicationConversionService();
		conversion.addConverter(new ClientKeySpecConverter());
		Binder binder = new Binder(ConfigurationPropertySources.get(environment),
				new PropertySourcesPlaceholdersResolver(environment), conversion);
		return binder.bindOrCreate("tiergate.rate-limit", RateLimitProperties.class);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.lettuce.core.RedisClient")
	@ConditionalOnBean(GuardedRedis.class)
	static class RedisConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TokenBuckets rateLimitRedisBuckets(GuardedRedis redis, TiergateNamespace namespace,
				ObjectProvider<TimeMeter> testTime) {
			// A TimeMeter bean is for tests: it replaces Redis's clock, so time can be moved by hand.
			return new RedisTokenBuckets(redis, namespace.rateLimits(), testTime.getIfAvailable());
		}

		@Bean
		@ConditionalOnMissingBean(LiveInstances.class)
		@ConditionalOnBooleanProperty(name = PREFIX + "fair-share.enabled", matchIfMissing = true)
		InstanceHeartbeat rateLimitInstanceHeartbeat(GuardedRedis redis, TiergateNamespace namespace,
				RateLimitProperties properties) {
			RateLimitProperties.FairShare fairShare = RateLimitSettingsMapper.fairShare(properties);
			return new InstanceHeartbeat(redis, namespace.rateLimits(), fairShare.getInstanceTimeout(),
					Clock.systemUTC())
				.start(fairShare.getHeartbeatInterval());
		}

		@Bean
		@ConditionalOnMissingBean
		ConcurrencyLeases rateLimitRedisLeases(GuardedRedis redis, TiergateNamespace namespace,
				ObjectProvider<TimeMeter> testTime) {
			return new RedisConcurrencyLeases(redis, namespace.rateLimits(), testTime.getIfAvailable());
		}

		@Bean
		@ConditionalOnMissingBean
		RedisTierOverrides rateLimitTierOverrides(GuardedRedis redis, TiergateNamespace namespace,
				RateLimiters rateLimiters) {
			RedisTierOverrides overrides = new RedisTierOverrides(redis, namespace.rateLimits(), rateLimiters);
			overrides.start();
			return overrides;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ DispatcherServlet.class, HttpServletRequest.class })
	static class WebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientKeyResolvers rateLimitClientKeyResolvers(RateLimitProperties properties) {
			return clientKeyResolvers(properties, ServletClientKeyResolvers::of);
		}

		@Bean
		@ConditionalOnMissingBean
		RateLimitResponseHeaders rateLimitResponseHeaders(RateLimitProperties properties) {
			return new RateLimitResponseHeaders(properties.getHeaders().isEnabled(), properties.getHeaders().isIetf());
		}

		@Bean
		@ConditionalOnMissingBean
		@Conditional(OnRateLimitRoutes.class)
		RateLimitRouteFilter rateLimitRouteFilter(RateLimitProperties properties, RateLimiters rateLimiters,
				ClientKeyResolvers clientKeyResolvers, ObjectProvider<RateLimitListener> listeners) {
			return new RateLimitRouteFilter(RateLimitRoutesMapper.routes(properties, rateLimiters, clientKeyResolvers),
					listener(listeners), new RateLimitProblem(properties.getHeaders().isIetf()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebFilter.class, Mono.class })
	static class ReactiveWebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientKeyResolvers rateLimitClientKeyResolvers(RateLimitProperties properties) {
			return clientKeyResolvers(properties, ReactiveClientKeyResolvers::of);
		}

		@Bean
		@ConditionalOnMissingBean
		ReactiveRateLimitResponseHeaders rateLimitResponseHeaders(RateLimitProperties properties) {
			return new ReactiveRateLimitResponseHeaders(properties.getHeaders().isEnabled(),
					properties.getHeaders().isIetf());
		}

		@Bean
		@ConditionalOnMissingBean
		RateLimitWebFilter rateLimitWebFilter(RateLimitProperties properties) {
			return new RateLimitWebFilter(new RateLimitProblem(properties.getHeaders().isIetf()));
		}

		@Bean
		@ConditionalOnMissingBean
		@Conditional(OnRateLimitRoutes.class)
		RateLimitRouteWebFilter rateLimitRouteWebFilter(RateLimitProperties properties, RateLimiters rateLimiters,
				ClientKeyResolvers clientKeyResolvers, ObjectProvider<RateLimitListener> listeners) {
			return new RateLimitRouteWebFilter(
					RateLimitRoutesMapper.routes(properties, rateLimiters, clientKeyResolvers),
					listener(listeners), new RateLimitProblem(properties.getHeaders().isIetf()));
		}

	}

	/** The key resolvers of a web application, reporting invalid trusted proxies with their property. */
	static ClientKeyResolvers clientKeyResolvers(RateLimitProperties properties, RequestResolversFactory factory) {
		RateLimitSettingsMapper.checkClientAddressProperties(properties);
		try {
			return factory.create(properties.getTrustedProxies(), properties.getForwardedHeaders(),
					properties.getIpv6PrefixLength());
		}
		catch (IllegalArgumentException ex) {
			throw RateLimitSettingsMapper.invalid("trusted-proxies", properties.getTrustedProxies(),
					String.valueOf(ex.getMessage()));
		}
	}

	/** How the servlet or the WebFlux key resolvers are made. */
	@FunctionalInterface
	interface RequestResolversFactory {

		ClientKeyResolvers create(List<String> trustedProxies, List<ForwardedHeader> forwardedHeaders,
				int ipv6PrefixLength);

	}

}
