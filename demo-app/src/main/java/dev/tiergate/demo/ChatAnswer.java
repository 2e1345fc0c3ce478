package dev.tiergate.demo;

/**
 * The simulated language model's answer.
 *
 * @param answer the text
 * @param cost the tokens of the {@code chat} tier the request took
 */
public record ChatAnswer(String answer, long cost) {

}
