package dev.tiergate.demo;

/**
 * The simulated language model's answer.
 *
 * @param answer the text
 * @param cost the tokens of the {@code chat} tier the request took
 * @param usage the model's tokens the answer used, which the {@code llm-tokens} budget
 * was settled with
 */
public record ChatAnswer(String answer, long cost, Usage usage) {

	/**
	 * The model's tokens an answer used.
	 *
	 * @param promptTokens the prompt's
	 * @param completionTokens the answer's
	 * @param totalTokens both
	 */
	public record Usage(long promptTokens, long completionTokens, long totalTokens) {

	}

}
