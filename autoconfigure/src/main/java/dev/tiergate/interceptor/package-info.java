/**
 * What the caching and the rate-limit advice share: the lookup of the annotations that
 * apply to a method, the description of an annotated method and its parameters, the SpEL
 * expressions (one parser setup, parsed once, one evaluation type), the key sources, the
 * operation source with its per-method cache, the interceptor, the advisor and the
 * startup validator.
 */
@NullMarked
package dev.tiergate.interceptor;

import org.jspecify.annotations.NullMarked;
