package dev.tiergate.test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where a Redis server for the tests listens, and the credentials to use with it, if any.
 * {@link #toString()} leaves the credentials out, so an endpoint can be logged or put in
 * a failure message.
 *
 * @param host the host name or address
 * @param port the port
 * @param username the user name, or {@code null} for the default user
 * @param password the password, or {@code null} when none is needed
 */
public record RedisEndpoint(String host, int port, @Nullable String username, @Nullable String password) {

	private static final int DEFAULT_PORT = 6379;

	private static final String FORM = "redis://[[user:]password@]host[:port]";

	/**
	 * Creates an endpoint, checking its parts.
	 * @param host the host name or address
	 * @param port the port
	 * @param username the user name, or {@code null} for the default user
	 * @param password the password, or {@code null} when none is needed
	 */
	public RedisEndpoint {
		Objects.requireNonNull(host, "host");
		if (host.isBlank()) {
			throw new IllegalArgumentException("The host of a Redis endpoint must not be blank");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("Invalid Redis port " + port);
		}
		// Redis has no way to log in with a user name alone.
		if (username != null && password == null) {
			throw new IllegalArgumentException("A Redis user name needs a password");
		}
	}

	/**
	 * Creates an endpoint that needs no credentials.
	 * @param host the host name or address
	 * @param port the port
	 */
	public RedisEndpoint(String host, int port) {
		this(host, port, null, null);
	}

	/**
	 * Parses a {@code redis://[[user:]password@]host[:port]} URI, the port being 6379 when
	 * it is left out. User name and password may be percent-encoded.
	 * @param uri the URI
	 * @return the endpoint
	 * @throws IllegalArgumentException when the URI is not of that form; the message does
	 * not repeat the URI, which may hold a password
	 */
	public static RedisEndpoint parse(String uri) {
		Objects.requireNonNull(uri, "uri");
		URI parsed;
		try {
			parsed = new URI(uri.strip());
		}
		catch (URISyntaxException ex) {
			// The exception's own message repeats the URI, password included.
			throw new IllegalArgumentException(
					"Not a " + FORM + " URI: " + ex.getReason() + " at index " + ex.getIndex());
		}
		if (parsed.getScheme() == null || !parsed.getScheme().toLowerCase(Locale.ROOT).equals("redis")) {
			throw new IllegalArgumentException("Not a " + FORM + " URI: the scheme must be redis (no TLS)");
		}
		if (parsed.getHost() == null) {
			throw new IllegalArgumentException("Not a " + FORM + " URI: no host");
		}
		String path = parsed.getRawPath();
		if ((path != null && !path.isEmpty() && !path.equals("/")) || parsed.getRawQuery() != null
				|| parsed.getRawFragment() != null) {
			throw new IllegalArgumentException("Not a " + FORM + " URI: a database, query or fragment is not supported");
		}
		int port = (parsed.getPort() != -1) ? parsed.getPort() : DEFAULT_PORT;
		String userInfo = parsed.getRawUserInfo();
		if (userInfo == null) {
			return new RedisEndpoint(parsed.getHost(), port);
		}
		// As Lettuce reads it: "secret@" is a password alone, "user:secret@" a user and a password.
		int colon = userInfo.indexOf(':');
		if (colon == -1) {
			return new RedisEndpoint(parsed.getHost(), port, null, decode(userInfo));
		}
		String username = (colon > 0) ? decode(userInfo.substring(0, colon)) : null;
		return new RedisEndpoint(parsed.getHost(), port, username, decode(userInfo.substring(colon + 1)));
	}

	/**
	 * Returns the URI of this endpoint, credentials included, for example for
	 * {@code spring.data.redis.url} or {@code RedisClient.create(String)}.
	 * @return the URI
	 */
	public String uri() {
		if (this.password == null) {
			return toString();
		}
		String user = (this.username != null) ? encode(this.username) : "";
		return "redis://" + user + ":" + encode(this.password) + "@" + this.host + ":" + this.port;
	}

	/**
	 * Returns the URI of this endpoint without its credentials.
	 * @return {@code redis://host:port}
	 */
	@Override
	public String toString() {
		return "redis://" + this.host + ":" + this.port;
	}

	private static String encode(String value) {
		ByteArrayOutputStream encoded = new ByteArrayOutputStream();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '.'
					|| b == '_' || b == '~') {
				encoded.write(b);
			}
			else {
				byte[] escape = String.format(Locale.ROOT, "%%%02X", b & 0xff).getBytes(StandardCharsets.US_ASCII);
				encoded.write(escape, 0, escape.length);
			}
		}
		return encoded.toString(StandardCharsets.US_ASCII);
	}

	private static String decode(String value) {
		// In a URI's user information a '+' is itself, not a space.
		return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

}
