package dev.tiergate.autoconfigure.cache;

import java.util.function.Function;

import dev.tiergate.autoconfigure.cache.TieredCacheProperties.Cache;
import dev.tiergate.autoconfigure.cache.TieredCacheProperties.Defaults;
import dev.tiergate.cache.TieredCacheSettings;
import dev.tiergate.cache.TieredCacheSettings.InvalidCacheSettingException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Resolves the {@link TieredCacheSettings} of a cache name from the properties: the
 * cache's own entry under {@code tiergate.cache.caches}, over the defaults. Invalid values
 * are reported with the full name of the property that holds them.
 */
final class TieredCacheSettingsResolver implements Function<String, TieredCacheSettings> {

	private static final String PREFIX = "tiergate.cache.";

	private final TieredCacheProperties properties;

	TieredCacheSettingsResolver(TieredCacheProperties properties) {
		this.properties = properties;
	}

	/**
	 * Resolves the defaults and every configured cache, so that an invalid value fails
	 * the application at startup rather than at a cache's first use.
	 */
	void validateAll() {
		apply("default");
		for (String name : this.properties.getCaches().keySet()) {
			String problem = TieredCacheSettings.nameProblem(name);
			if (problem != null) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "caches", name, "The cache name '"
						+ name + "' " + problem + ". Rename the cache, for example with '-' or '.' instead of ':'.");
			}
			apply(name);
		}
	}

	@Override
	public TieredCacheSettings apply(String name) {
		Defaults defaults = this.properties.getDefaults();
		Cache cache = this.properties.getCaches().get(name);
		try {
			return TieredCacheSettings.builder(name)
				.l1Enabled(orDefault(cache, (c) -> c.getL1().getEnabled(), defaults.getL1().isEnabled()))
				.l1Ttl(orDefault(cache, (c) -> c.getL1().getTtl(), defaults.getL1().getTtl()))
				.l1MaxSize(orDefault(cache, (c) -> c.getL1().getMaxSize(), defaults.getL1().getMaxSize()))
				.l2Enabled(orDefault(cache, (c) -> c.getL2().getEnabled(), defaults.getL2().isEnabled()))
				.l2Ttl(orDefault(cache, (c) -> c.getL2().getTtl(), defaults.getL2().getTtl()))
				.l2TtlJitter(orDefault(cache, (c) -> c.getL2().getTtlJitter(), defaults.getL2().getTtlJitter()))
				.cacheNulls(orDefault(cache, Cache::getCacheNulls, defaults.isCacheNulls()))
				.staleTtl(orDefault(cache, Cache::getStaleTtl, defaults.getStaleTtl()))
				.refreshAhead(orDefault(cache, Cache::getRefreshAhead, defaults.getRefreshAhead()))
				.lock(orDefault(cache, Cache::getLock, defaults.isLock()))
				.lockLease(orDefault(cache, Cache::getLockLease, defaults.getLockLease()))
				.lockWait(orDefault(cache, Cache::getLockWait, defaults.getLockWait()))
				.maxValueBytes(this.properties.getMaxValueSize().toBytes())
				.build();
		}
		catch (InvalidCacheSettingException ex) {
			String property = ex.getSetting().equals("max-value-size") ? PREFIX + "max-value-size"
					: (cache != null && isSet(cache, ex.getSetting())) ? PREFIX + "caches." + name + "." + ex.getSetting()
							: PREFIX + "defaults." + ex.getSetting();
			throw new InvalidConfigurationPropertyValueException(property, ex.getValue(),
					"It " + ex.getProblem() + ". Set " + property + " to a valid value (see docs/configuration.md).");
		}
	}

	private static <T> T orDefault(@Nullable Cache cache, Function<Cache, @Nullable T> override, T fallback) {
		T value = (cache != null) ? override.apply(cache) : null;
		return (value != null) ? value : fallback;
	}

	private static boolean isSet(Cache cache, String setting) {
		return switch (setting) {
			case "l1.ttl" -> cache.getL1().getTtl() != null;
			case "l1.max-size" -> cache.getL1().getMaxSize() != null;
			case "l2.ttl" -> cache.getL2().getTtl() != null;
			case "l2.ttl-jitter" -> cache.getL2().getTtlJitter() != null;
			case "stale-ttl" -> cache.getStaleTtl() != null;
			case "refresh-ahead" -> cache.getRefreshAhead() != null;
			case "lock-lease" -> cache.getLockLease() != null;
			case "lock-wait" -> cache.getLockWait() != null;
			default -> false;
		};
	}

}
