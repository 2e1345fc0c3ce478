/**
 * Auto-configuration of tiergate's health component.
 */
@NullMarked
package dev.tiergate.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
