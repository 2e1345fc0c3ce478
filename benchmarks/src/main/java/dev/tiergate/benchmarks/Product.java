package dev.tiergate.benchmarks;

import java.math.BigDecimal;

/**
 * What the cached methods of the benchmarks return: a small value, as a product API
 * would cache it.
 *
 * @param id the identifier
 * @param name the name
 * @param price the price
 */
public record Product(long id, String name, BigDecimal price) {

	/**
	 * The body of every cached method of the benchmarks, so that they all do the same work
	 * on a miss.
	 * @param id the identifier
	 * @return a new product
	 */
	public static Product load(long id) {
		return new Product(id, "Product " + id, BigDecimal.valueOf(id * 100 + 99, 2));
	}

}
