package dev.tiergate.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The namespaces of tiergate's Redis keys and channels: every key of the caches starts
 * with {@link #caches()}, every rate-limit bucket with {@link #rateLimits()}, so that
 * applications sharing a Redis never read each other's entries. One rule for both: a
 * configured prefix must be non-empty, without spaces and without braces (a brace would
 * make the prefix a Redis Cluster hash tag, putting every key of the application in one
 * slot); the application name, the fallback, has its braces removed.
 *
 * @param caches the prefix of cache keys and the invalidation channel
 * ({@code tiergate.cache.key-prefix}, else {@code spring.application.name}, else
 * {@code tiergate})
 * @param rateLimits the prefix of rate-limit buckets ({@code tiergate.rate-limit.key-prefix},
 * else the caches' prefix)
 */
public record TiergateNamespace(String caches, String rateLimits) {

	static final String DEFAULT = "tiergate";

	private static final String CACHE_PROPERTY = "tiergate.cache.key-prefix";

	private static final String RATE_LIMIT_PROPERTY = "tiergate.rate-limit.key-prefix";

	/**
	 * Resolves the namespaces from the environment.
	 * @param environment the application's environment
	 * @return the namespaces
	 * @throws InvalidConfigurationPropertyValueException naming the property when a configured prefix
	 * breaks the rule
	 */
	public static TiergateNamespace resolve(Environment environment) {
		String caches = configured(environment, CACHE_PROPERTY);
		if (caches == null) {
			String applicationName = environment.getProperty("spring.application.name");
			caches = StringUtils.hasText(applicationName) ? applicationName.strip().replace("{", "").replace("}", "")
					: "";
			caches = caches.isEmpty() ? DEFAULT : caches;
		}
		String rateLimits = configured(environment, RATE_LIMIT_PROPERTY);
		return new TiergateNamespace(caches, (rateLimits != null) ? rateLimits : caches);
	}

	private static @Nullable String configured(Environment environment, String property) {
		String configured = environment.getProperty(property);
		if (configured != null && (!StringUtils.hasText(configured) || configured.contains(" ")
				|| configured.contains("{") || configured.contains("}"))) {
			throw new InvalidConfigurationPropertyValueException(property, configured,
					"It must be a non-empty namespace without spaces or braces. Set " + property
							+ " to a short name such as your application's.");
		}
		return configured;
	}

}
