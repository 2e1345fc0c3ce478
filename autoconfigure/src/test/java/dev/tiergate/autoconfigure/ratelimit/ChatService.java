package dev.tiergate.autoconfigure.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;

/**
 * A rate-limited service, called without an HTTP request.
 */
public class ChatService {

	private final AtomicInteger quoteInvocations = new AtomicInteger();

	@RateLimited("chat")
	public String ask(String prompt) {
		return "answer to " + prompt;
	}

	@RateLimited(value = "chat", key = "#user", costExpression = "#prompt.length()")
	public String askAs(String user, String prompt) {
		return "answer to " + user;
	}

	@RateLimited(value = "quotes", key = "#symbol")
	@TieredCacheable("quotes")
	public String quote(String symbol) {
		this.quoteInvocations.incrementAndGet();
		return symbol + " 42.00";
	}

	@RateLimited(value = "hot", key = "'the-hot-key'")
	public void hot() {
	}

	public int quoteInvocations() {
		return this.quoteInvocations.get();
	}

}
