package dev.tiergate.demo;

import java.math.BigDecimal;

/**
 * A product of the catalog.
 *
 * @param id the identifier
 * @param name the name
 * @param price the price
 */
public record Product(long id, String name, BigDecimal price) {

}
