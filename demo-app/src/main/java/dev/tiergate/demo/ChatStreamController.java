package dev.tiergate.demo;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/chat/stream?prompt=...}: the {@link StreamingChatAssistant}'s answer as
 * server-sent events, one {@code message} event per token, then a {@code done} event
 * whose data is how many streamed answers the model has written so far (a browser's
 * {@code EventSource} would otherwise reconnect when the stream ends, and cannot read the
 * response headers). The prompt is validated as {@code POST /api/chat} validates it,
 * before it takes a token.
 */
@RestController
public class ChatStreamController {

	private final StreamingChatAssistant assistant;

	public ChatStreamController(StreamingChatAssistant assistant) {
		this.assistant = assistant;
	}

	@GetMapping(path = "/api/chat/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Flux<ServerSentEvent<String>> stream(@RequestParam String prompt) {
		if (prompt.length() > ChatRequest.MAX_PROMPT_LENGTH) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"A prompt of 0 to " + ChatRequest.MAX_PROMPT_LENGTH + " characters is required");
		}
		Flux<ServerSentEvent<String>> tokens = this.assistant.stream(prompt)
			.map((token) -> ServerSentEvent.builder(token).build());
		Mono<ServerSentEvent<String>> done = Mono.fromSupplier(
				() -> ServerSentEvent.builder(Long.toString(this.assistant.calls())).event("done").build());
		return tokens.concatWith(done);
	}

}
