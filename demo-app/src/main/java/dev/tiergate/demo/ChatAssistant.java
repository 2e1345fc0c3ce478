package dev.tiergate.demo;

import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.ratelimit.RateLimited;

import org.springframework.stereotype.Service;

/**
 * An expensive "LLM" call, limited by the {@code chat} tier (5 calls in a burst, then one
 * every 10 seconds, per client): the kind of call a rate limit protects the bill of. A
 * call's cost grows with the prompt. The {@link LanguageModel} it asks has a token budget
 * of its own ({@code llm-tokens}), settled from each completion's usage.
 */
@Service
public class ChatAssistant {

	private final LanguageModel model;

	private final AtomicLong calls = new AtomicLong();

	public ChatAssistant(LanguageModel model) {
		this.model = model;
	}

	/**
	 * Answers a prompt, slowly.
	 * @param request the prompt
	 * @return the answer
	 */
	@RateLimited(value = "chat", costExpression = "#request.cost()")
	public ChatAnswer answer(ChatRequest request) {
		this.calls.incrementAndGet();
		LanguageModel.Completion completion = this.model.complete(request.prompt().strip());
		return new ChatAnswer(completion.text(), request.cost(), new ChatAnswer.Usage(completion.promptTokens(),
				completion.completionTokens(), completion.totalTokens()));
	}

	/**
	 * Returns how many prompts were answered.
	 * @return the calls that reached the model
	 */
	public long calls() {
		return this.calls.get();
	}

}
