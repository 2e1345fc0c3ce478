package dev.tiergate.demo;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * The body of a product update: the fields to change, {@code null} for those to keep.
 *
 * @param name the new name
 * @param price the new price
 */
public record ProductChanges(@Nullable String name, @Nullable BigDecimal price) {

}
