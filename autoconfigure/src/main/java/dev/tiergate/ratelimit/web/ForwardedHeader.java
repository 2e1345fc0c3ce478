package dev.tiergate.ratelimit.web;

/**
 * A request header in which proxies record the client they forward for. Only the headers
 * that the trusted proxies write are read: a client can send any of them itself, and a
 * proxy that does not write a header passes the client's on unchanged.
 */
public enum ForwardedHeader {

	/**
	 * {@code X-Forwarded-For}: a list of hops, each proxy appending its peer (nginx's
	 * {@code $proxy_add_x_forwarded_for}, AWS and Azure load balancers, most CDNs).
	 */
	X_FORWARDED_FOR("X-Forwarded-For"),

	/**
	 * {@code Forwarded} (RFC 7239): elements whose {@code for=} parameter is a hop.
	 */
	FORWARDED("Forwarded"),

	/**
	 * {@code X-Real-IP}: the one address a proxy set for its peer (nginx's
	 * {@code proxy_set_header X-Real-IP $remote_addr}).
	 */
	X_REAL_IP("X-Real-IP");

	private final String headerName;

	ForwardedHeader(String headerName) {
		this.headerName = headerName;
	}

	/**
	 * Returns the name of the header.
	 * @return the name, such as {@code X-Forwarded-For}
	 */
	public String headerName() {
		return this.headerName;
	}

}
