/**
 * Auto-configuration of tiergate's Micrometer observations.
 */
@NullMarked
package dev.tiergate.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
