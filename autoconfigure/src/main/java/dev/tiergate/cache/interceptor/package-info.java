/**
 * The Spring AOP layer of tiered caching: parses the annotations once per method and
 * applies them around calls.
 */
@NullMarked
package dev.tiergate.cache.interceptor;

import org.jspecify.annotations.NullMarked;
