package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.RateLimited;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Rate-limited handlers.
 */
@RestController
public class ChatController {

	@GetMapping("/chat")
	@RateLimited("chat")
	public String chat() {
		return "hello";
	}

	@GetMapping("/proxied")
	@RateLimited("proxied")
	public String proxied() {
		return "ok";
	}

}
