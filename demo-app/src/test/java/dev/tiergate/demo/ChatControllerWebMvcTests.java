package dev.tiergate.demo;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * An example of a controller test in an application that uses tiergate: a
 * {@code @WebMvcTest} slice of {@link ChatController} sees the {@code chat} tier's headers
 * and its 429, because tiergate registers its auto-configurations in the slice. The
 * slice brings no Redis by itself (buckets would live in the JVM); this one imports
 * Spring Boot's Redis auto-configuration and points it at the tests' Redis, so the
 * buckets are the real ones in Redis. A key prefix of its own per run and a client
 * address of its own per test keep its buckets apart from every other test's. See
 * docs/testing.md.
 */
@WebMvcTest(controllers = ChatController.class, properties = "demo.llm-delay=1ms")
@Import({ ChatAssistant.class, LanguageModel.class })
@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
@EnableConfigurationProperties(DemoProperties.class)
class ChatControllerWebMvcTests {

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> TestRedis.shared().uri());
		registry.add("tiergate.rate-limit.key-prefix", () -> "chat-slice-" + UUID.randomUUID());
	}

	@Autowired
	private MockMvc mvc;

	@Test
	void theSixthPromptOfABurstIsA429WithRetryAfter() throws Exception {
		String client = newClientAddress();
		for (int i = 0; i < 5; i++) {
			this.mvc.perform(prompt(client, "Why cache?"))
				.andExpect(status().isOk())
				.andExpect(header().string("X-RateLimit-Limit", "5"))
				.andExpect(header().string("X-RateLimit-Remaining", Integer.toString(4 - i)));
		}
		this.mvc.perform(prompt(client, "Why cache?"))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().exists("Retry-After"))
			.andExpect(jsonPath("$.tier").value("chat"));
	}

	@Test
	void anotherClientHasABucketOfItsOwn() throws Exception {
		this.mvc.perform(prompt(newClientAddress(), "x".repeat(1200)))
			.andExpect(status().isOk())
			.andExpect(header().string("X-RateLimit-Remaining", "2"));
	}

	private static MockHttpServletRequestBuilder prompt(String client, String text) {
		return post("/api/chat").contentType(MediaType.APPLICATION_JSON)
			.content("{\"prompt\":\"" + text + "\"}")
			.with((request) -> {
				request.setRemoteAddr(client);
				return request;
			});
	}

	private static String newClientAddress() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
	}

}
