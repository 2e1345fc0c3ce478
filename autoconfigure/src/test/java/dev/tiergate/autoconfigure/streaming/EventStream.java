package dev.tiergate.autoconfigure.streaming;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One server-sent event stream read as a browser's {@code EventSource} would, line by
 * line as the server flushes them, so a test can see an event before the next is sent.
 */
final class EventStream implements AutoCloseable {

	private static final HttpClient http = HttpClient.newHttpClient();

	private final HttpResponse<Stream<String>> response;

	private final Iterator<String> lines;

	private EventStream(HttpResponse<Stream<String>> response) {
		this.response = response;
		this.lines = response.body().iterator();
	}

	/** Opens a stream; returns once the status and headers are there. */
	static EventStream open(int port, String path) throws Exception {
		return opening(port, path).get(20, TimeUnit.SECONDS);
	}

	/**
	 * Starts opening a stream. Spring MVC sends a stream's headers with its first event, so
	 * a test that decides when the first token comes waits for the stream after sending it.
	 */
	static CompletableFuture<EventStream> opening(int port, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Accept", "text/event-stream")
			.build();
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(EventStream::new);
	}

	int status() {
		return this.response.statusCode();
	}

	String header(String name) {
		return this.response.headers().firstValue(name).orElse("");
	}

	/** The data of the next event, read as it arrives; fails when none comes within ten seconds. */
	String next() throws Exception {
		return CompletableFuture.supplyAsync(this::readNext).get(10, TimeUnit.SECONDS);
	}

	private String readNext() {
		while (this.lines.hasNext()) {
			String line = this.lines.next();
			if (line.startsWith("data:")) {
				return line.substring("data:".length());
			}
		}
		throw new AssertionError("The stream ended");
	}

	/** The data of the events still to come, until the server ends the stream. */
	List<String> rest() {
		List<String> data = new ArrayList<>();
		this.lines.forEachRemaining((line) -> addData(line, data));
		return data;
	}

	/**
	 * The data of the events still to come, until the stream ends or the server breaks the
	 * connection off, as Spring MVC does when a stream fails.
	 */
	List<String> restUntilBrokenOff() {
		List<String> data = new ArrayList<>();
		try {
			this.lines.forEachRemaining((line) -> addData(line, data));
		}
		catch (UncheckedIOException ex) {
			// Broken off: what came before is the answer.
		}
		return data;
	}

	private static void addData(String line, List<String> data) {
		if (line.startsWith("data:")) {
			data.add(line.substring("data:".length()));
		}
	}

	/** The whole body, for answers that are not a stream. */
	String body() {
		List<String> lines = new ArrayList<>();
		this.lines.forEachRemaining(lines::add);
		return String.join("\n", lines);
	}

	static List<String> events(int port, String path) throws Exception {
		try (EventStream stream = open(port, path)) {
			assertThat(stream.status()).isEqualTo(200);
			return stream.rest();
		}
	}

	/** Closes the connection, as a browser leaving the page does. */
	@Override
	public void close() {
		this.response.body().close();
	}

}
