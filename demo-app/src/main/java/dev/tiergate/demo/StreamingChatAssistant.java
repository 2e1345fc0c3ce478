package dev.tiergate.demo;

import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Service;

/**
 * The simulated language model writing its answer token by token, as Spring AI's
 * {@code stream()} hands it over: limited by the {@code chat} tier (a replayed answer
 * still takes a token) and cached by prompt, so the first answer to a prompt streams in
 * slowly and the next ones are replayed from the cache at once.
 */
@Service
public class StreamingChatAssistant {

	private final DemoProperties properties;

	private final AtomicLong calls = new AtomicLong();

	public StreamingChatAssistant(DemoProperties properties) {
		this.properties = properties;
	}

	/**
	 * Streams the answer to a prompt, one word per token, each after
	 * {@code demo.llm-token-delay}.
	 * @param prompt the prompt
	 * @return the tokens of the answer
	 */
	@RateLimited("chat")
	@TieredCacheable("chat-streams")
	public Flux<String> stream(String prompt) {
		this.calls.incrementAndGet();
		String topic = prompt.strip().isEmpty() ? "nothing" : prompt.strip();
		String answer = "Here is a thoughtful answer about " + topic.substring(0, Math.min(topic.length(), 40))
				+ ", written one token at a time, as a language model streams it. Ask the same again and"
				+ " tiergate replays it from the cache, all at once.";
		// A blocking model client, as many are: its waits stay off the request and event-loop threads.
		return Flux.fromArray(answer.split(" ")).map((token) -> {
			Delays.pause(this.properties.llmTokenDelay());
			return token;
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Returns how many streamed answers the model wrote.
	 * @return the calls that reached the model
	 */
	public long calls() {
		return this.calls.get();
	}

}
