package dev.tiergate.demo;

import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Plain HTTP calls to a running demo application, for tests: every answer is returned,
 * whatever its status, so that tests assert on statuses themselves.
 */
final class DemoClient {

	private final RestClient client;

	DemoClient(int port) {
		this.client = RestClient.builder()
			.baseUrl("http://localhost:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	ResponseEntity<String> get(String path) {
		return this.client.get().uri(path).retrieve().toEntity(String.class);
	}

	ResponseEntity<JsonNode> getJson(String path) {
		return this.client.get().uri(path).retrieve().toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> post(String path) {
		return this.client.post().uri(path).retrieve().toEntity(JsonNode.class);
	}

	/** Posts a JSON body. */
	ResponseEntity<String> postJson(String path, Object body) {
		return this.client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body).retrieve().toEntity(String.class);
	}

	/**
	 * Calls the demo as a client at an address that the trusted proxy in front of it
	 * (loopback, in the tests) names in {@code X-Forwarded-For}, so that each test has
	 * rate-limit buckets of its own.
	 */
	ResponseEntity<String> getAs(String clientAddress, String path) {
		return this.client.get()
			.uri(path)
			.header("X-Forwarded-For", clientAddress)
			.retrieve()
			.toEntity(String.class);
	}

	/** Like {@link #getAs}, posting a JSON body. */
	ResponseEntity<String> postAs(String clientAddress, String path, Object body) {
		return this.client.post()
			.uri(path)
			.header("X-Forwarded-For", clientAddress)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(String.class);
	}

	/**
	 * Returns a random client address of the benchmarking range 198.18.0.0/15, for
	 * {@link #getAs}: tests with rate-limit buckets in a shared Redis never collide.
	 */
	static String newClientAddress() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "198." + random.nextInt(18, 20) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
	}

	ResponseEntity<String> product(long id) {
		return get("/api/products/" + id);
	}

	ResponseEntity<JsonNode> health() {
		return getJson("/actuator/health");
	}

	/** L1, L2 or BACKEND, from tiergate's {@code Cache-Status} header (RFC 9211). */
	static String cacheSource(ResponseEntity<?> response) {
		String status = response.getHeaders().getFirst("Cache-Status");
		if (status == null) {
			return null;
		}
		if (status.equals("tiergate; hit; detail=l1")) {
			return "L1";
		}
		return status.equals("tiergate; hit; detail=l2") ? "L2" : "BACKEND";
	}

	/** The status of the {@code tiergate} health component, empty when there is none. */
	static String tiergateStatus(ResponseEntity<JsonNode> health) {
		JsonNode body = health.getBody();
		return (body != null) ? body.at("/components/tiergate/status").asString("") : "";
	}

}
