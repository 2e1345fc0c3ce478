/**
 * What the caching and the rate-limit advice share: the lookup of the annotations that
 * apply to a method, the per-method cache of parsed annotations, the advisor and the
 * startup validator.
 */
@NullMarked
package dev.tiergate.interceptor;

import org.jspecify.annotations.NullMarked;
