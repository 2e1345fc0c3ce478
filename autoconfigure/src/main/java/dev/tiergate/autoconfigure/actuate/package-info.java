/**
 * Auto-configuration of tiergate's actuator endpoint.
 */
@NullMarked
package dev.tiergate.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
