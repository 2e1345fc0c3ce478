package dev.tiergate.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/chat/stream} over HTTP, on the tests' shared Redis: the tokens of the
 * answer as server-sent events, replayed from the cache the second time, limited by the
 * {@code chat} tier.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.llm-token-delay=1ms",
				// Each test is a client of its own behind a proxy on loopback (see DemoApplicationTests).
				"tiergate.rate-limit.trusted-proxies=127.0.0.1,::1", "tiergate.redis.timeout=2s" })
class ChatStreamTests {

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> TestRedis.shared().uri());
	}

	@LocalServerPort
	private int port;

	@Autowired
	private StreamingChatAssistant assistant;

	@Test
	void theTokensArriveInOrderThenADoneEventAndTheSecondCallIsReplayedFromTheCache() {
		DemoClient demo = new DemoClient(this.port);
		String client = DemoClient.newClientAddress();
		String prompt = "Why stream? " + UUID.randomUUID();
		long callsBefore = this.assistant.calls();
		ResponseEntity<String> first = demo.getAs(client, stream(prompt));
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(first.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
		assertThat(first.getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("5");
		assertThat(first.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("4");
		List<String[]> events = events(first.getBody());
		List<String> tokens = tokens(events);
		assertThat(String.join(" ", tokens)).startsWith("Here is a thoughtful answer about Why stream? ")
			.endsWith("replays it from the cache, all at once.");
		assertThat(tokens).hasSizeGreaterThan(20);
		assertThat(events.get(events.size() - 1)).containsExactly("done", Long.toString(callsBefore + 1));

		ResponseEntity<String> second = demo.getAs(client, stream(prompt));
		assertThat(second.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(tokens(events(second.getBody()))).as("replayed").isEqualTo(tokens);
		assertThat(this.assistant.calls()).as("the model wrote the answer once").isEqualTo(callsBefore + 1);
		assertThat(second.getHeaders().getFirst("X-RateLimit-Remaining")).as("a replay takes a token too")
			.isEqualTo("3");
	}

	@Test
	void theSixthStreamOfABurstIsA429ProblemWithHeaders() throws Exception {
		DemoClient demo = new DemoClient(this.port);
		String client = DemoClient.newClientAddress();
		for (int i = 0; i < 5; i++) {
			ResponseEntity<String> answer = demo.getAs(client, stream("Burst " + i));
			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(answer.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
		}
		ResponseEntity<String> rejected = demo.getAs(client, stream("Burst 0"));
		assertThat(rejected.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(rejected.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(rejected.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(Long.parseLong(rejected.getHeaders().getFirst("Retry-After"))).isBetween(1L, 10L);
		JsonNode problem = JsonMapper.builder().build().readTree(rejected.getBody());
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		assertThat(problem.path("tier").asString()).isEqualTo("chat");
	}

	@Test
	void anOverlongPromptIsRefusedBeforeItTakesAToken() {
		DemoClient demo = new DemoClient(this.port);
		String client = DemoClient.newClientAddress();
		assertThat(demo.getAs(client, stream("x".repeat(2001))).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(demo.getAs(client, "/api/chat/stream").getStatusCode()).as("no prompt")
			.isEqualTo(HttpStatus.BAD_REQUEST);
		ResponseEntity<String> answer = demo.getAs(client, stream("x"));
		assertThat(answer.getHeaders().getFirst("X-RateLimit-Remaining")).isEqualTo("4");
	}

	/** The path for a prompt, which RestClient encodes (the prompts here have no braces). */
	private static String stream(String prompt) {
		return "/api/chat/stream?prompt=" + prompt;
	}

	/** The events of a stream as {@code [event, data]}, {@code message} when it names none. */
	private static List<String[]> events(String body) {
		List<String[]> events = new ArrayList<>();
		String event = "message";
		for (String line : body.split("\n", -1)) {
			if (line.startsWith("event:")) {
				event = line.substring("event:".length());
			}
			else if (line.startsWith("data:")) {
				events.add(new String[] { event, line.substring("data:".length()) });
			}
			else if (line.isEmpty()) {
				event = "message";
			}
		}
		return events;
	}

	private static List<String> tokens(List<String[]> events) {
		return events.stream().filter((event) -> event[0].equals("message")).map((event) -> event[1]).toList();
	}

}
