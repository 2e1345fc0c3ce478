/**
 * Cache warm-up: {@link dev.tiergate.cache.warmup.CacheWarmer}s declare the entries to load
 * into a tiered cache, and {@link dev.tiergate.cache.warmup.CacheWarmup} runs them at
 * startup and on a schedule, bounded in time, with one instance warming per run. Needs no
 * Spring context.
 */
@NullMarked
package dev.tiergate.cache.warmup;

import org.jspecify.annotations.NullMarked;
