/**
 * Ahead-of-time processing: the runtime hints of what tiergate reads reflectively or as a
 * resource, registered in {@code META-INF/spring/aot.factories}.
 */
@NullMarked
package dev.tiergate.aot;

import org.jspecify.annotations.NullMarked;
