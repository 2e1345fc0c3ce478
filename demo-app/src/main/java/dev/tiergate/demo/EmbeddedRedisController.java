package dev.tiergate.demo;

import java.io.IOException;

import org.jspecify.annotations.Nullable;
import redis.embedded.RedisServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demo-only switch to stop and start the embedded Redis, so that the page can show
 * tiergate falling back to L1 and coming back. It acts only on the server that
 * {@link EmbeddedRedisLauncher} started itself: with a Redis of your own configured, the
 * switches answer 409 and your Redis is left alone. A restart reuses the port, so
 * tiergate's client reconnects by itself. Nothing like this belongs in a real
 * application: anyone who can reach it can take the cache's Redis away.
 */
@RestController
@RequestMapping("/demo/redis")
public class EmbeddedRedisController {

	private final @Nullable RedisServer server;

	public EmbeddedRedisController(@Qualifier(EmbeddedRedisLauncher.BEAN_NAME) ObjectProvider<RedisServer> server) {
		this.server = server.getIfAvailable();
	}

	@GetMapping
	public EmbeddedRedisStatus status() {
		RedisServer server = this.server;
		if (server == null) {
			return new EmbeddedRedisStatus(false, null, null);
		}
		return new EmbeddedRedisStatus(true, server.isActive(), "redis://127.0.0.1:" + server.ports().get(0));
	}

	@PostMapping("/stop")
	public ResponseEntity<?> stop() {
		return (this.server != null) ? change(this.server::stop, "stop") : notEmbedded();
	}

	@PostMapping("/start")
	public ResponseEntity<?> start() {
		return (this.server != null) ? change(this.server::start, "start") : notEmbedded();
	}

	private ResponseEntity<?> change(IoAction action, String verb) {
		try {
			// Both wait: stop until the process has exited, start until Redis accepts connections.
			action.run();
			return ResponseEntity.ok(status());
		}
		catch (IOException ex) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
					"Could not " + verb + " the embedded Redis: " + ex.getMessage());
			return ResponseEntity.internalServerError().body(problem);
		}
	}

	private static ResponseEntity<ProblemDetail> notEmbedded() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"The demo did not start this Redis (spring.data.redis.* or REDIS_URL is set), so it does not stop or"
						+ " start it: do that with the Redis itself");
		return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
	}

	/**
	 * A change of the server's state.
	 */
	@FunctionalInterface
	private interface IoAction {

		void run() throws IOException;

	}

	/**
	 * The state of the demo's Redis.
	 *
	 * @param embedded whether the demo started the Redis it uses, so the switches work
	 * @param running whether the embedded Redis runs; {@code null} when not embedded
	 * @param url where the embedded Redis listens; {@code null} when not embedded
	 */
	public record EmbeddedRedisStatus(boolean embedded, @Nullable Boolean running, @Nullable String url) {
	}

}
