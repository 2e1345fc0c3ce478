/**
 * What the caching and the rate-limit advice share: the per-method cache of parsed
 * annotations.
 */
@NullMarked
package dev.tiergate.interceptor;

import org.jspecify.annotations.NullMarked;
