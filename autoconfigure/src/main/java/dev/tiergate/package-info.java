/**
 * tiergate: tiered caching and rate limiting for Spring Boot. The caching annotations
 * live in {@code dev.tiergate.cache}.
 */
@NullMarked
package dev.tiergate;

import org.jspecify.annotations.NullMarked;
