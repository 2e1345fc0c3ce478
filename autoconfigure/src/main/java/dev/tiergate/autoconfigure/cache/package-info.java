/**
 * Auto-configuration of tiered caching.
 */
@NullMarked
package dev.tiergate.autoconfigure.cache;

import org.jspecify.annotations.NullMarked;
