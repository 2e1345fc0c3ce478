package dev.tiergate.cache.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.interceptor.SimpleCacheResolver;
import org.springframework.cache.interceptor.SimpleKeyGenerator;

/**
 * Makes tiergate's {@link TieredCacheResolver} and {@link TieredCacheKeyGenerator} the
 * defaults of Spring's cache aspects, unless the application configured its own (through a
 * {@code CachingConfigurer}): the aspect would otherwise resolve caches by name only, with
 * no type to decode L2 values. Working on the aspect rather than declaring a
 * {@code CachingConfigurer} leaves the application free to declare one (for an error
 * handler, say): Spring accepts a single one.
 * <p>
 * Runs once the singletons exist, as the aspect itself does when it falls back to the
 * single {@code CacheManager}, and in either order: the aspect is created too early for a
 * bean post-processor to see it, and it caches no call before that point.
 */
final class TieredCacheAspectDefaults implements SmartInitializingSingleton {

	private final ObjectProvider<CacheAspectSupport> aspects;

	private final TieredCacheManager cacheManager;

	private final TieredCacheResolver resolver;

	/**
	 * Creates the defaults.
	 * @param aspects Spring's cache aspects
	 * @param cacheManager the manager of the tiered caches
	 * @param resolver the resolver to make the aspects' default
	 */
	TieredCacheAspectDefaults(ObjectProvider<CacheAspectSupport> aspects, TieredCacheManager cacheManager,
			TieredCacheResolver resolver) {
		this.aspects = aspects;
		this.cacheManager = cacheManager;
		this.resolver = resolver;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.aspects.forEach(this::apply);
	}

	private void apply(CacheAspectSupport aspect) {
		CacheResolver current = aspect.getCacheResolver();
		if (current == null || (current instanceof SimpleCacheResolver byName
				&& byName.getCacheManager() == this.cacheManager)) {
			aspect.setCacheResolver(this.resolver);
		}
		if (aspect.getKeyGenerator().getClass() == SimpleKeyGenerator.class) {
			aspect.setKeyGenerator(new TieredCacheKeyGenerator());
		}
	}

}
