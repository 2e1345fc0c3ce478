package dev.tiergate.demo;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * HTTP API of the {@link ChatAssistant}: {@code POST /api/chat} with
 * {@code {"prompt": "..."}}. The sixth call of a burst gets a 429 with
 * {@code Retry-After}; every answer carries the {@code X-RateLimit-*} headers.
 */
@RestController
public class ChatController {

	private final ChatAssistant assistant;

	public ChatController(ChatAssistant assistant) {
		this.assistant = assistant;
	}

	@PostMapping("/api/chat")
	public ChatAnswer chat(@RequestBody ChatRequest request) {
		if (request.prompt() == null || request.prompt().length() > ChatRequest.MAX_PROMPT_LENGTH) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"A prompt of 0 to " + ChatRequest.MAX_PROMPT_LENGTH + " characters is required");
		}
		return this.assistant.answer(request);
	}

}
