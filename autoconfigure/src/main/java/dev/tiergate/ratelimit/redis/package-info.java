/**
 * Token buckets in Redis: one Lua script per check, through tiergate's guarded
 * connection.
 */
@NullMarked
package dev.tiergate.ratelimit.redis;

import org.jspecify.annotations.NullMarked;
