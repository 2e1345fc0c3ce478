package dev.tiergate.ratelimit.web;

import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import dev.tiergate.ratelimit.ClientKeyResolver;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The {@link ClientKeyResolver}s of a servlet application, reading the current request:
 * <ul>
 * <li>{@code ip}: the client address ({@link ClientAddress}: the peer, or what trusted
 * proxies recorded);</li>
 * <li>{@code user}: the name of the authenticated user (Spring Security's, when it is on
 * the class path, else the servlet container's); anonymous callers by address;</li>
 * <li>{@code header:<name>}: the value of a request header, at most
 * {@value #MAX_HEADER_LENGTH} characters of it; callers without it by address;</li>
 * <li>{@code global}: one bucket for everybody.</li>
 * </ul>
 * Outside a request (a scheduled job, a message listener) the request-based resolvers
 * know no client and the call uses the bucket {@code "none"}.
 */
public final class ServletClientKeyResolvers extends RequestClientKeyResolvers<HttpServletRequest> {

	/** The longest header value used as a key: a client must not make the server hash megabytes. */
	public static final int MAX_HEADER_LENGTH = RequestClientKeyResolvers.MAX_HEADER_LENGTH;

	/** The prefix length an IPv6 client is keyed by unless configured otherwise. */
	public static final int DEFAULT_IPV6_PREFIX_LENGTH = ClientAddress.DEFAULT_IPV6_PREFIX_LENGTH;

	private final boolean springSecurity;

	/**
	 * Creates the resolvers, with a client address read from the forwarding headers of
	 * trusted proxies.
	 * @param trustedProxies the proxies whose forwarding headers are believed, each
	 * {@code address/prefix-length} or a single address
	 * @param forwardedHeaders the headers the trusted proxies write, at least one; when a
	 * request has several of them, the first of this list that it has is read
	 * @param ipv6PrefixLength the length of the prefix that identifies an IPv6 client, 1 to
	 * 128
	 * @return the resolvers
	 * @throws IllegalArgumentException naming the first range that cannot be parsed, or if
	 * there is no header or the length is out of range
	 */
	public static ServletClientKeyResolvers of(List<String> trustedProxies, List<ForwardedHeader> forwardedHeaders,
			int ipv6PrefixLength) {
		return new ServletClientKeyResolvers(ClientAddress.of(trustedProxies, forwardedHeaders, ipv6PrefixLength));
	}

	/**
	 * Creates the resolvers, with a client address read from {@code X-Forwarded-For} of
	 * trusted proxies and IPv6 clients keyed by their /64.
	 * @param trustedProxies the proxies whose forwarding headers are believed
	 */
	ServletClientKeyResolvers(TrustedProxies trustedProxies) {
		this(new ClientAddress(trustedProxies));
	}

	/**
	 * Creates the resolvers.
	 * @param clientAddress finds the client address of a request
	 */
	ServletClientKeyResolvers(ClientAddress clientAddress) {
		super(clientAddress);
		this.springSecurity = ClassUtils.isPresent("org.springframework.security.core.context.SecurityContextHolder",
				ServletClientKeyResolvers.class.getClassLoader());
	}

	@Override
	@Nullable HttpServletRequest currentRequest() {
		return CurrentRequest.request();
	}

	@Override
	ClientAddress.Request addressView(HttpServletRequest request) {
		return request(request);
	}

	/** A servlet request, as the client address reads it. */
	static ClientAddress.Request request(HttpServletRequest request) {
		return new ClientAddress.Request() {

			@Override
			public String peerAddress() {
				String peer = request.getRemoteAddr();
				return (peer != null) ? peer : "";
			}

			@Override
			public List<String> headerValues(String name) {
				Enumeration<String> values = request.getHeaders(name);
				return (values != null) ? Collections.list(values) : List.of();
			}

		};
	}

	@Override
	@Nullable String userName(HttpServletRequest request) {
		String name = this.springSecurity ? SpringSecurityPrincipal.name() : null;
		if (name == null) {
			Principal principal = request.getUserPrincipal();
			name = (principal != null) ? principal.getName() : null;
		}
		return name;
	}

	@Override
	@Nullable String header(HttpServletRequest request, String name) {
		return request.getHeader(name);
	}

}
