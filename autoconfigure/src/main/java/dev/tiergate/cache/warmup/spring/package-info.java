/**
 * Spring layer of cache warm-up: bean methods annotated with
 * {@link dev.tiergate.cache.warmup.TieredCacheWarmer}, found and checked at startup.
 */
@NullMarked
package dev.tiergate.cache.warmup.spring;

import org.jspecify.annotations.NullMarked;
