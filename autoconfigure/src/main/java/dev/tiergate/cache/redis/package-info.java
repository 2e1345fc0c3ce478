/**
 * The Redis tier of tiered caches.
 */
@NullMarked
package dev.tiergate.cache.redis;

import org.jspecify.annotations.NullMarked;
