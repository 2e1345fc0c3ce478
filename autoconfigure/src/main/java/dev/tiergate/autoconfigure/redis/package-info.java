/**
 * Auto-configuration of tiergate's connection to Redis.
 */
@NullMarked
package dev.tiergate.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;
