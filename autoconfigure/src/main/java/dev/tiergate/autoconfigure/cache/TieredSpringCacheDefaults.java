package dev.tiergate.autoconfigure.cache;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With Spring's cache abstraction on tiered caches ({@code tiergate.cache.spring.enabled})
 * and {@code tiergate.cache.spring.allow-null-values} left on, caches store nulls by
 * default, as Spring's cache managers do. A tiered cache has one null policy for both
 * annotation families, so the default of {@code tiergate.cache.defaults.cache-nulls}
 * becomes true; it has the lowest precedence, so any value the application sets wins.
 */
final class TieredSpringCacheDefaults implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "tiergateSpringCacheDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty("tiergate.cache.spring.enabled", Boolean.class, false)
				&& environment.getProperty("tiergate.cache.spring.allow-null-values", Boolean.class, true)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of("tiergate.cache.defaults.cache-nulls",
						"true")));
		}
	}

}
