package dev.tiergate.ratelimit.web;

import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ClientKeyResolvers;
import dev.tiergate.ratelimit.ClientKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The rules of the request-based key resolvers, whatever the web stack: {@code ip} (the
 * {@link ClientAddress}), {@code user} (by address when anonymous), {@code header:<name>}
 * (at most {@value #MAX_HEADER_LENGTH} characters, by address when missing) and
 * {@code global}. A subclass says how to find the current request of its stack and read
 * it; outside a request every request-based resolver knows no client.
 *
 * @param <R> the request type of the web stack
 */
abstract class RequestClientKeyResolvers<R> implements ClientKeyResolvers {

	/** The longest header value used as a key: a client must not make the server hash megabytes. */
	static final int MAX_HEADER_LENGTH = 256;

	private final ClientAddress clientAddress;

	private final ClientKeyResolver ip = () -> {
		R request = currentRequest();
		return (request != null) ? ip(request) : null;
	};

	private final ClientKeyResolver user = () -> {
		R request = currentRequest();
		if (request == null) {
			return null;
		}
		String name = userName(request);
		return (name != null) ? "user:" + name : ip(request);
	};

	RequestClientKeyResolvers(ClientAddress clientAddress) {
		this.clientAddress = clientAddress;
	}

	@Override
	public final ClientKeyResolver forSpec(ClientKeySpec spec) {
		if (spec instanceof ClientKeySpec.Header header) {
			return header(header.name());
		}
		if (spec instanceof ClientKeySpec.Unknown) {
			throw new IllegalArgumentException("Unknown key resolver '" + spec.text() + "'");
		}
		return (spec instanceof ClientKeySpec.Global) ? ClientKeyResolver.GLOBAL
				: (spec instanceof ClientKeySpec.User) ? this.user : this.ip;
	}

	/**
	 * Returns the request being handled.
	 * @return the request, or {@code null} when there is none
	 */
	abstract @Nullable R currentRequest();

	/**
	 * Returns a request as the client address reads it.
	 * @param request the request
	 * @return its view
	 */
	abstract ClientAddress.Request addressView(R request);

	/**
	 * Returns the name of a request's authenticated user.
	 * @param request the request
	 * @return the name, or {@code null} when the caller is anonymous
	 */
	abstract @Nullable String userName(R request);

	/**
	 * Returns the first value of a request header.
	 * @param request the request
	 * @param name the header's name
	 * @return the value, or {@code null} when the request has none
	 */
	abstract @Nullable String header(R request, String name);

	private String ip(R request) {
		return "ip:" + this.clientAddress.of(addressView(request));
	}

	private ClientKeyResolver header(String name) {
		return () -> {
			R request = currentRequest();
			if (request == null) {
				return null;
			}
			String value = header(request, name);
			if (value == null || value.isBlank()) {
				return ip(request);
			}
			return "header:" + ((value.length() <= MAX_HEADER_LENGTH) ? value : value.substring(0, MAX_HEADER_LENGTH));
		};
	}

}
