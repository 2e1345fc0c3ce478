/**
 * Auto-configuration of tiergate's Micrometer meters.
 */
@NullMarked
package dev.tiergate.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
