package dev.tiergate.test;

import java.net.URI;

/**
 * Where a test Redis listens.
 *
 * @param host the host
 * @param port the port
 * @param username the user name, or {@code null}
 * @param password the password, or {@code null}
 */
public record RedisEndpoint(String host, int port, String username, String password) {

	/**
	 * An endpoint without credentials.
	 * @param host the host
	 * @param port the port
	 */
	public RedisEndpoint(String host, int port) {
		this(host, port, null, null);
	}

	/**
	 * Parses a {@code redis://[[user]:password@]host:port} URL.
	 * @param url the URL
	 * @return the endpoint
	 */
	public static RedisEndpoint parse(String url) {
		URI uri = URI.create(url);
		String userInfo = uri.getUserInfo();
		String username = null;
		String password = null;
		if (userInfo != null) {
			int colon = userInfo.indexOf(':');
			username = (colon >= 0) ? userInfo.substring(0, colon) : null;
			password = (colon >= 0) ? userInfo.substring(colon + 1) : userInfo;
			username = (username == null || username.isEmpty()) ? null : username;
		}
		return new RedisEndpoint(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379, username, password);
	}

	/**
	 * Returns the URL of this endpoint, with credentials when it has them.
	 * @return the URL, as {@code spring.data.redis.url} takes it
	 */
	public String uri() {
		String credentials = (this.password == null) ? ""
				: ((this.username != null) ? this.username : "") + ":" + this.password + "@";
		return "redis://" + credentials + this.host + ":" + this.port;
	}

	@Override
	public String toString() {
		return "redis://" + this.host + ":" + this.port;
	}

}
