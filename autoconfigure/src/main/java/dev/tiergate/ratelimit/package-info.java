/**
 * Rate limiting: the {@link dev.tiergate.ratelimit.RateLimited @RateLimited} annotation,
 * and the token-bucket engine behind it (Bucket4j buckets in this JVM, or one Lua script
 * per check in Redis), which needs no Spring context.
 */
@NullMarked
package dev.tiergate.ratelimit;

import org.jspecify.annotations.NullMarked;
