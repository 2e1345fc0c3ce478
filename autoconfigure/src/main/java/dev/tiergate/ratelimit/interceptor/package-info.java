/**
 * The Spring AOP layer of rate limiting: parses {@code @RateLimited} once per method and
 * checks calls before they proceed.
 */
@NullMarked
package dev.tiergate.ratelimit.interceptor;

import org.jspecify.annotations.NullMarked;
