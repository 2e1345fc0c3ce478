package dev.tiergate.autoconfigure.cache;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of Spring's cache abstraction ({@code @Cacheable} and friends) on tiered
 * caches.
 */
@ConfigurationProperties("tiergate.cache.spring")
public class TieredSpringCacheProperties {

	/**
	 * Whether the application's CacheManager is tiergate's, so that Spring's cache
	 * annotations use L1 and L2, unless the application defines its own CacheManager.
	 */
	private boolean enabled = false;

	/**
	 * Whether caches store null results by default, as Spring's cache managers do: sets
	 * the default of 'tiergate.cache.defaults.cache-nulls' to true, for both annotation
	 * families.
	 */
	private boolean allowNullValues = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isAllowNullValues() {
		return this.allowNullValues;
	}

	public void setAllowNullValues(boolean allowNullValues) {
		this.allowNullValues = allowNullValues;
	}

}
