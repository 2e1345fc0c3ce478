/**
 * Auto-configuration of rate limiting.
 */
@NullMarked
package dev.tiergate.autoconfigure.ratelimit;

import org.jspecify.annotations.NullMarked;
