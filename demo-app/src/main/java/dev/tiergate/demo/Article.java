package dev.tiergate.demo;

/**
 * A page of content.
 *
 * @param slug the page's name in its URL
 * @param title the title
 * @param body the text
 */
public record Article(String slug, String title, String body) {

}
