/**
 * Spring's cache abstraction on tiered caches: a {@code CacheManager} whose caches are
 * the tiered caches of the same names, so that {@code @Cacheable} and friends get L1 and
 * L2 with the guarantees of {@code @TieredCacheable}.
 */
@NullMarked
package dev.tiergate.cache.spring;

import org.jspecify.annotations.NullMarked;
