/**
 * tiergate's actuator endpoint.
 */
@NullMarked
package dev.tiergate.actuate;

import org.jspecify.annotations.NullMarked;
