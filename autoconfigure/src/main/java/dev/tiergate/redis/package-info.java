/**
 * tiergate's connection to Redis, shared by the cache and the rate limiter.
 */
@NullMarked
package dev.tiergate.redis;

import org.jspecify.annotations.NullMarked;
