/**
 * Micrometer observations of tiergate's cache reads and rate-limit checks, for tracing.
 */
@NullMarked
package dev.tiergate.observation;

import org.jspecify.annotations.NullMarked;
