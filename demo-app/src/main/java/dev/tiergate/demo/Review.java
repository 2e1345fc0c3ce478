package dev.tiergate.demo;

/**
 * A review of a product.
 *
 * @param author who wrote it
 * @param rating from 1 to 5 stars
 * @param text what they wrote
 */
public record Review(String author, int rating, String text) {

}
