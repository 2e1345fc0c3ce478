package dev.tiergate.demo;

import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.ratelimit.RateLimited;

import org.springframework.stereotype.Service;

/**
 * An expensive "LLM" call, limited by the {@code chat} tier (5 calls in a burst, then one
 * every 10 seconds, per client): the kind of call a rate limit protects the bill of. A
 * call's cost grows with the prompt.
 */
@Service
public class ChatAssistant {

	private final DemoProperties properties;

	private final AtomicLong calls = new AtomicLong();

	public ChatAssistant(DemoProperties properties) {
		this.properties = properties;
	}

	/**
	 * Answers a prompt, slowly.
	 * @param request the prompt
	 * @return the answer
	 */
	@RateLimited(value = "chat", costExpression = "#request.cost()")
	public ChatAnswer answer(ChatRequest request) {
		this.calls.incrementAndGet();
		Delays.pause(this.properties.llmDelay());
		String prompt = request.prompt().strip();
		String topic = prompt.isEmpty() ? "nothing" : prompt.substring(0, Math.min(prompt.length(), 40));
		return new ChatAnswer("A thoughtful answer about " + topic + ".", request.cost());
	}

	/**
	 * Returns how many prompts were answered.
	 * @return the calls that reached the model
	 */
	public long calls() {
		return this.calls.get();
	}

}
