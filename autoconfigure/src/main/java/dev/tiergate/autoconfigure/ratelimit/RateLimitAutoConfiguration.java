package dev.tiergate.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.TiergateAutoProxyRegistrar;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ClientKeyResolvers;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TokenBuckets;
import dev.tiergate.ratelimit.interceptor.RateLimitAdvisor;
import dev.tiergate.ratelimit.interceptor.RateLimitInterceptor;
import dev.tiergate.ratelimit.interceptor.RateLimitMethodValidator;
import dev.tiergate.ratelimit.interceptor.RateLimitOperationSource;
import dev.tiergate.ratelimit.redis.RedisTokenBuckets;
import dev.tiergate.ratelimit.web.ClientAddress;
import dev.tiergate.ratelimit.web.RateLimitExceptionHandler;
import dev.tiergate.ratelimit.web.RateLimitResponseHeaders;
import dev.tiergate.ratelimit.web.ServletClientKeyResolvers;
import dev.tiergate.ratelimit.web.TrustedProxies;
import dev.tiergate.redis.GuardedRedis;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration of rate limiting: the {@link RateLimiters} of the configured tiers,
 * and the advice that applies {@code @RateLimited}. Buckets live in Redis when a
 * {@link GuardedRedis} exists, in this JVM otherwise. In a servlet web application it
 * adds the rate-limit headers, the key resolvers that read the request, and the 429
 * answer.
 */
@AutoConfiguration(after = TiergateRedisAutoConfiguration.class,
		afterName = { "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration",
				"dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration" })
@ConditionalOnClass(Bucket.class)
@ConditionalOnBooleanProperty(name = "tiergate.rate-limit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RateLimitProperties.class)
@Import(TiergateAutoProxyRegistrar.class)
public final class RateLimitAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RateLimitAutoConfiguration.class);

	private static final String PREFIX = "tiergate.rate-limit.";

	private static final String DEFAULT_KEY_PREFIX = "tiergate";

	@Bean
	@ConditionalOnMissingBean
	RateLimiters rateLimiters(RateLimitProperties properties, ObjectProvider<TokenBuckets> distributedBuckets,
			ObjectProvider<TimeMeter> timeMeter) {
		List<RateLimitTier> tiers = tiers(properties);
		checkClientAddressProperties(properties);
		long maxBuckets = properties.getLocal().getMaxBuckets();
		if (maxBuckets < 1) {
			throw invalid("local.max-buckets", "must be at least 1 but was " + maxBuckets);
		}
		TokenBuckets distributed = distributedBuckets.getIfAvailable();
		if (distributed == null) {
			logger.info("No Lettuce connection to Redis is configured: rate limits are enforced per instance");
		}
		return new RateLimiters(tiers, distributed, timeMeter.getIfAvailable(() -> TimeMeter.SYSTEM_NANOTIME),
				maxBuckets);
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static RateLimitOperationSource rateLimitOperationSource(ObjectProvider<RateLimiters> rateLimiters,
			ObjectProvider<ClientKeyResolvers> clientKeyResolvers, Environment environment) {
		// Bound from the environment: binding the properties class this early would make it
		// ineligible for post-processing.
		RateLimitProperties properties = bindProperties(environment);
		Map<String, String> specs = keyResolverSpecs(properties);
		Map<String, ClientKeyResolver> resolvers = new ConcurrentHashMap<>();
		return new RateLimitOperationSource(rateLimiters::getObject, (tier) -> resolvers.computeIfAbsent(tier, (name) -> {
			ClientKeyResolvers factory = clientKeyResolvers.getIfAvailable(() -> ClientKeyResolvers.WITHOUT_REQUESTS);
			return factory.forSpec(specs.getOrDefault(name, properties.getKeyResolver()));
		}), ClassUtils.getDefaultClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static RateLimitInterceptor rateLimitInterceptor(RateLimitOperationSource operationSource,
			ObjectProvider<RateLimitListener> listeners, ConfigurableListableBeanFactory beanFactory) {
		return new RateLimitInterceptor(operationSource, () -> {
			List<RateLimitListener> all = listeners.orderedStream().toList();
			return switch (all.size()) {
				case 0 -> RateLimitListener.NONE;
				case 1 -> all.get(0);
				default -> (decision) -> all.forEach((listener) -> listener.onDecision(decision));
			};
		}, new BeanFactoryResolver(beanFactory));
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static RateLimitAdvisor rateLimitAdvisor(RateLimitInterceptor interceptor, Environment environment) {
		int order = environment.getProperty(PREFIX + "order", Integer.class, RateLimitProperties.DEFAULT_ORDER);
		return new RateLimitAdvisor(interceptor, order);
	}

	@Bean
	static RateLimitMethodValidator rateLimitMethodValidator(ConfigurableListableBeanFactory beanFactory,
			RateLimitOperationSource operationSource) {
		return new RateLimitMethodValidator(beanFactory, operationSource);
	}

	private static RateLimitProperties bindProperties(Environment environment) {
		return Binder.get(environment).bindOrCreate("tiergate.rate-limit", RateLimitProperties.class);
	}

	/** The key resolver setting of every tier that has its own, checked. */
	static Map<String, String> keyResolverSpecs(RateLimitProperties properties) {
		checkKeyResolver("key-resolver", properties.getKeyResolver());
		Map<String, String> specs = new LinkedHashMap<>();
		properties.getTiers().forEach((name, tier) -> {
			String spec = tier.getKeyResolver();
			if (spec != null) {
				checkKeyResolver("tiers." + name + ".key-resolver", spec);
				specs.put(name, spec);
			}
		});
		return specs;
	}

	private static void checkKeyResolver(String property, String spec) {
		if (!ClientKeyResolvers.isSupported(spec)) {
			throw invalid(property, "must be 'ip', 'user', 'header:<name>' or 'global' but was '" + spec + "'");
		}
	}

	/** The properties of how client addresses are read, checked, in any application (a web one reads them). */
	static void checkClientAddressProperties(RateLimitProperties properties) {
		int prefixLength = properties.getIpv6PrefixLength();
		if (prefixLength < 1 || prefixLength > 128) {
			throw invalid("ipv6-prefix-length", "must be between 1 and 128 but was " + prefixLength);
		}
		if (properties.getForwardedHeaders().isEmpty()) {
			throw invalid("forwarded-headers", "must name at least one of x-forwarded-for, forwarded, x-real-ip:"
					+ " the headers the trusted proxies write");
		}
	}

	/** The configured tiers, checked, each problem reported with its property. */
	static List<RateLimitTier> tiers(RateLimitProperties properties) {
		keyResolverSpecs(properties);
		List<RateLimitTier> tiers = new ArrayList<>();
		properties.getTiers().forEach((name, tier) -> {
			String prefix = "tiers." + name + ".";
			if (!name.matches("[A-Za-z0-9._-]+")) {
				throw invalid("tiers." + name, "is not a valid tier name: use letters, digits, '.', '_' and '-'");
			}
			List<RateLimitTier.Limit> limits = new ArrayList<>();
			limits.add(limit(prefix, tier));
			for (int i = 0; i < tier.getExtraLimits().size(); i++) {
				limits.add(limit(prefix + "extra-limits[" + i + "].", tier.getExtraLimits().get(i)));
			}
			tiers.add(new RateLimitTier(name, limits, tier.getOnRedisFailure()));
		});
		return tiers;
	}

	private static RateLimitTier.Limit limit(String prefix, RateLimitProperties.Limit limit) {
		if (limit.getCapacity() <= 0) {
			throw invalid(prefix + "capacity", "must be positive but was " + limit.getCapacity());
		}
		if (limit.getRefillTokens() <= 0) {
			throw invalid(prefix + "refill-tokens", "must be positive but was " + limit.getRefillTokens());
		}
		Duration period = limit.getRefillPeriod();
		if (period == null || period.compareTo(Duration.ofMillis(1)) < 0) {
			throw invalid(prefix + "refill-period", "must be at least 1ms but was " + period);
		}
		try {
			return new RateLimitTier.Limit(limit.getCapacity(), limit.getRefillTokens(), period);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(prefix + "refill-period", ex.getMessage());
		}
	}

	/**
	 * The namespace of the Redis keys: {@code tiergate.rate-limit.key-prefix}, else the
	 * cache's ({@code tiergate.cache.key-prefix}), else {@code spring.application.name},
	 * else {@code tiergate}.
	 */
	static String keyPrefix(RateLimitProperties properties, Environment environment) {
		String configured = properties.getKeyPrefix();
		String property = PREFIX + "key-prefix";
		if (configured == null) {
			configured = environment.getProperty("tiergate.cache.key-prefix");
			property = "tiergate.cache.key-prefix";
		}
		if (configured != null) {
			if (!StringUtils.hasText(configured) || configured.contains(" ") || configured.contains("{")
					|| configured.contains("}")) {
				throw new TiergateConfigurationException("property '" + property + "'",
						"must be a non-empty namespace without spaces or braces but was '" + configured + "'",
						"Set " + property + " to a short name such as your application's.");
			}
			return configured;
		}
		String applicationName = environment.getProperty("spring.application.name");
		return StringUtils.hasText(applicationName) ? applicationName.strip().replace("{", "").replace("}", "")
				: DEFAULT_KEY_PREFIX;
	}

	private static TiergateConfigurationException invalid(String property, String problem) {
		String name = PREFIX + property;
		return new TiergateConfigurationException("property '" + name + "'", problem,
				"Set " + name + " to a valid value (see docs/rate-limiting.md).");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.lettuce.core.RedisClient")
	@ConditionalOnBean(GuardedRedis.class)
	static class RedisConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TokenBuckets rateLimitRedisBuckets(GuardedRedis redis, RateLimitProperties properties,
				Environment environment, ObjectProvider<TimeMeter> testTime) {
			// A TimeMeter bean is for tests: it replaces Redis's clock, so time can be moved by hand.
			return new RedisTokenBuckets(redis, keyPrefix(properties, environment), testTime.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ DispatcherServlet.class, HttpServletRequest.class })
	static class WebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientKeyResolvers rateLimitClientKeyResolvers(RateLimitProperties properties) {
			TrustedProxies trustedProxies;
			try {
				trustedProxies = TrustedProxies.of(properties.getTrustedProxies());
			}
			catch (IllegalArgumentException ex) {
				throw invalid("trusted-proxies", ex.getMessage());
			}
			checkClientAddressProperties(properties);
			return new ServletClientKeyResolvers(new ClientAddress(trustedProxies, properties.getForwardedHeaders(),
					properties.getIpv6PrefixLength()));
		}

		@Bean
		@ConditionalOnMissingBean
		RateLimitResponseHeaders rateLimitResponseHeaders(RateLimitProperties properties) {
			return new RateLimitResponseHeaders(properties.getHeaders().isEnabled(), properties.getHeaders().isIetf());
		}

		@Bean
		@ConditionalOnMissingBean
		RateLimitExceptionHandler rateLimitExceptionHandler() {
			return new RateLimitExceptionHandler();
		}

	}

}
