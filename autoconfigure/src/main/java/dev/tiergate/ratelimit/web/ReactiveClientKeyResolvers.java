package dev.tiergate.ratelimit.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import dev.tiergate.ratelimit.ClientKeyResolver;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The {@link ClientKeyResolver}s of a WebFlux application, reading the request being
 * handled ({@link ReactiveRateLimitRequest}), with the rules of the servlet ones
 * ({@link ServletClientKeyResolvers}): {@code ip}, {@code user} (the reactive principal,
 * resolved by the {@link RateLimitWebFilter}; anonymous authentications of Spring
 * Security count as none), {@code header:<name>} and {@code global}.
 * <p>
 * The request is found at the check of a method returning {@code Mono} or {@code Flux},
 * and by the route filter. A method of another return type called in a WebFlux
 * application has no request to read: its calls use the bucket {@code "none"}.
 */
public final class ReactiveClientKeyResolvers extends RequestClientKeyResolvers<ReactiveRateLimitRequest> {

	private ReactiveClientKeyResolvers(ClientAddress clientAddress) {
		super(clientAddress);
	}

	/**
	 * Creates the resolvers, with a client address read from the forwarding headers of
	 * trusted proxies.
	 * @param trustedProxies the proxies whose forwarding headers are believed, each
	 * {@code address/prefix-length} or a single address
	 * @param forwardedHeaders the headers the trusted proxies write, at least one
	 * @param ipv6PrefixLength the length of the prefix that identifies an IPv6 client, 1 to
	 * 128
	 * @return the resolvers
	 * @throws IllegalArgumentException naming the first range that cannot be parsed, or if
	 * there is no header or the length is out of range
	 */
	public static ReactiveClientKeyResolvers of(List<String> trustedProxies, List<ForwardedHeader> forwardedHeaders,
			int ipv6PrefixLength) {
		return new ReactiveClientKeyResolvers(ClientAddress.of(trustedProxies, forwardedHeaders, ipv6PrefixLength));
	}

	@Override
	@Nullable ReactiveRateLimitRequest currentRequest() {
		return ReactiveRateLimitRequest.current();
	}

	@Override
	ClientAddress.Request addressView(ReactiveRateLimitRequest request) {
		return request(request.exchange().getRequest());
	}

	/** A WebFlux request, as the client address reads it. */
	static ClientAddress.Request request(ServerHttpRequest request) {
		return new ClientAddress.Request() {

			@Override
			public String peerAddress() {
				InetSocketAddress remote = request.getRemoteAddress();
				if (remote == null) {
					return "";
				}
				InetAddress address = remote.getAddress();
				return (address != null) ? address.getHostAddress() : remote.getHostString();
			}

			@Override
			public List<String> headerValues(String name) {
				return request.getHeaders().getOrEmpty(name);
			}

		};
	}

	@Override
	@Nullable String userName(ReactiveRateLimitRequest request) {
		return request.userName();
	}

	@Override
	@Nullable String header(ReactiveRateLimitRequest request, String name) {
		return request.exchange().getRequest().getHeaders().getFirst(name);
	}

}
