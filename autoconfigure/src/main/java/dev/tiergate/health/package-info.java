/**
 * tiergate's health: the {@code tiergate} component and the defaults that keep a
 * fallback from turning the application's health into 503.
 */
@NullMarked
package dev.tiergate.health;

import org.jspecify.annotations.NullMarked;
