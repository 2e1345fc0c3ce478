/**
 * Tiered caching: the annotations, and the engine behind them (Caffeine L1 in front of a
 * shared L2), which needs no Spring context.
 */
@NullMarked
package dev.tiergate.cache;

import org.jspecify.annotations.NullMarked;
