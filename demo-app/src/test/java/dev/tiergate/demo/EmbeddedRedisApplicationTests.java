package dev.tiergate.demo;

import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisProbe;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the demo application started with no Redis configured, as a user runs it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.backend-delay=20ms", "tiergate.redis.timeout=2s" })
class EmbeddedRedisApplicationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private Environment environment;

	@Test
	void startsEmbeddedRedisAndCachesProductsInIt() {
		String url = this.environment.getProperty("spring.data.redis.url");
		assertThat(url).startsWith("redis://127.0.0.1:");
		RedisServer server = this.context.getBean(EmbeddedRedisLauncher.BEAN_NAME, RedisServer.class);
		assertThat(server.isActive()).isTrue();
		assertThat(url).isEqualTo("redis://127.0.0.1:" + server.ports().get(0));
		RestClient client = RestClient.builder().baseUrl("http://localhost:" + this.port).build();
		ResponseEntity<Product> first = client.get().uri("/api/products/{id}", 2).retrieve().toEntity(Product.class);
		ResponseEntity<Product> second = client.get().uri("/api/products/{id}", 2).retrieve().toEntity(Product.class);
		assertThat(second.getBody()).isEqualTo(first.getBody());
		assertThat(backendCalls(second)).isEqualTo(backendCalls(first));
		try (RedisProbe redis = new RedisProbe(new RedisEndpoint("127.0.0.1", server.ports().get(0)))) {
			assertThat(redis.get("tiergate-demo:products:2")).isNotNull();
		}
	}

	private static long backendCalls(ResponseEntity<?> response) {
		return Long.parseLong(response.getHeaders().getFirst(ProductController.BACKEND_CALLS_HEADER));
	}

}
