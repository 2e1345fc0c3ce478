package dev.tiergate.demo;

import dev.tiergate.ratelimit.RateLimited;

import org.springframework.stereotype.Service;

/**
 * The simulated language model, behind a token budget: the {@code llm-tokens} tier takes
 * an estimate before each completion (the prompt's tokens and the most the answer may
 * have) and settles it from the completion's usage afterwards, giving back what the
 * answer did not use.
 */
@Service
public class LanguageModel {

	/** Characters per token of this model's prompts, as a rule of thumb. */
	static final int CHARACTERS_PER_TOKEN = 4;

	/** The most tokens an answer may have. */
	static final long MAX_ANSWER_TOKENS = 64;

	private final DemoProperties properties;

	public LanguageModel(DemoProperties properties) {
		this.properties = properties;
	}

	/**
	 * Completes a prompt, slowly.
	 * @param prompt the prompt
	 * @return the answer and the tokens it used
	 */
	@RateLimited(value = "llm-tokens", costExpression = "T(dev.tiergate.demo.LanguageModel).estimate(#prompt)",
			actualCostExpression = "#result.totalTokens()")
	public Completion complete(String prompt) {
		Delays.pause(this.properties.llmDelay());
		String topic = prompt.isEmpty() ? "nothing" : prompt.substring(0, Math.min(prompt.length(), 40));
		String text = "A thoughtful answer about " + topic + ".";
		return new Completion(text, promptTokens(prompt), text.split("\\s+").length);
	}

	/**
	 * Returns the tokens a completion is estimated to use before it is made.
	 * @param prompt the prompt
	 * @return the prompt's tokens and the most an answer may have
	 */
	public static long estimate(String prompt) {
		return promptTokens(prompt) + MAX_ANSWER_TOKENS;
	}

	private static long promptTokens(String prompt) {
		return 1 + (long) prompt.length() / CHARACTERS_PER_TOKEN;
	}

	/**
	 * A completion and its usage.
	 *
	 * @param text the answer
	 * @param promptTokens the tokens of the prompt
	 * @param completionTokens the tokens of the answer
	 */
	public record Completion(String text, long promptTokens, long completionTokens) {

		/**
		 * Returns the tokens the completion used, which the token budget is settled with.
		 * @return the prompt's and the answer's tokens
		 */
		public long totalTokens() {
			return this.promptTokens + this.completionTokens;
		}

	}

}
