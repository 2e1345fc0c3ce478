package dev.tiergate.demo;

/**
 * A question for the simulated language model.
 *
 * @param prompt the prompt
 */
public record ChatRequest(String prompt) {

	/** Characters of prompt that one token of the {@code chat} tier pays for. */
	static final int CHARACTERS_PER_TOKEN = 500;

	/**
	 * Longest prompt accepted: its cost (4) stays within the {@code chat} tier's capacity
	 * (5), so a long prompt waits for enough tokens instead of never fitting.
	 */
	static final int MAX_PROMPT_LENGTH = 2000;

	/**
	 * Returns the tokens of the {@code chat} tier this request takes: one per started 500
	 * characters, so a short prompt costs 1 and a long one more, as an LLM bill would.
	 * @return the cost, at least 1
	 */
	public long cost() {
		return 1 + (long) this.prompt.length() / CHARACTERS_PER_TOKEN;
	}

}
