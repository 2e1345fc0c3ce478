package dev.tiergate.ratelimit.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Finds the client of a request. The peer address is the client, unless it is a trusted
 * proxy: then the hops recorded in the forwarding header the trusted proxies write
 * ({@code X-Forwarded-For} unless configured otherwise, see {@link ForwardedHeader}) are
 * read from right to left, and the first one that is not a trusted proxy is the client.
 * Whatever stands further left was written by the client itself, and a header the
 * proxies do not write is never read, so a client cannot choose its bucket by sending
 * these headers.
 * <p>
 * Ports in hops ({@code 192.0.2.1:5678}, {@code [2001:db8::1]:80}) are dropped. An IPv6
 * client is its network prefix ({@code /64} by default: every host gets at least a /64,
 * and can send each request from another address of it); an IPv4-mapped IPv6 address is
 * its IPv4 address. Addresses are parsed as literals, never looked up in a name service.
 * <p>
 * It reads requests of any web stack through {@link Request}: servlet requests and
 * WebFlux's {@code ServerHttpRequest} follow the same rules.
 */
public final class ClientAddress {

	/** The prefix length an IPv6 client is keyed by unless configured otherwise. */
	static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

	private static final int MAX_HOPS = 32;

	private static final int MAX_UNPARSEABLE_LENGTH = 64;

	private static final String UNKNOWN = "unknown";

	private final TrustedProxies trustedProxies;

	private final List<ForwardedHeader> forwardedHeaders;

	private final int ipv6PrefixLength;

	private final String ipv6Suffix;

	/**
	 * Creates a finder.
	 * @param trustedProxies the proxies whose forwarding headers are believed, each
	 * {@code address/prefix-length} or a single address
	 * @param forwardedHeaders the headers the trusted proxies write, at least one; when a
	 * request has several of them, the first of this list that it has is read
	 * @param ipv6PrefixLength the length of the prefix that identifies an IPv6 client, 1 to
	 * 128
	 * @return the finder
	 * @throws IllegalArgumentException naming the first range that cannot be parsed, or if
	 * there is no header or the length is out of range
	 */
	public static ClientAddress of(List<String> trustedProxies, List<ForwardedHeader> forwardedHeaders,
			int ipv6PrefixLength) {
		return new ClientAddress(TrustedProxies.of(trustedProxies), forwardedHeaders, ipv6PrefixLength);
	}

	/**
	 * Creates a finder that reads {@code X-Forwarded-For} from trusted proxies and keys IPv6
	 * clients by their /64.
	 * @param trustedProxies the proxies whose forwarding headers are believed
	 */
	ClientAddress(TrustedProxies trustedProxies) {
		this(trustedProxies, List.of(ForwardedHeader.X_FORWARDED_FOR), DEFAULT_IPV6_PREFIX_LENGTH);
	}

	/**
	 * Creates a finder.
	 * @param trustedProxies the proxies whose forwarding headers are believed
	 * @param forwardedHeaders the headers the trusted proxies write, at least one; when a
	 * request has several of them, the first of this list that it has is read
	 * @param ipv6PrefixLength the length of the prefix that identifies an IPv6 client, 1 to
	 * 128
	 * @throws IllegalArgumentException if there is no header or the length is out of range
	 */
	ClientAddress(TrustedProxies trustedProxies, List<ForwardedHeader> forwardedHeaders,
			int ipv6PrefixLength) {
		if (forwardedHeaders.isEmpty()) {
			throw new IllegalArgumentException("At least one forwarded header is needed: one of "
					+ List.of(ForwardedHeader.values()));
		}
		if (ipv6PrefixLength < 1 || ipv6PrefixLength > 128) {
			throw new IllegalArgumentException(
					"The IPv6 prefix length must be between 1 and 128 but was " + ipv6PrefixLength);
		}
		this.trustedProxies = trustedProxies;
		this.forwardedHeaders = List.copyOf(new LinkedHashSet<>(forwardedHeaders));
		this.ipv6PrefixLength = ipv6PrefixLength;
		this.ipv6Suffix = (ipv6PrefixLength < 128) ? "/" + ipv6PrefixLength : "";
	}

	/**
	 * Returns the client of a request.
	 * @param request the request
	 * @return the IPv4 address ({@code 192.0.2.1}), the IPv6 network
	 * ({@code 2001:db8:0:0:0:0:0:0/64}; the whole address when the prefix length is 128),
	 * or, when a trusted proxy recorded something that is not an address
	 * ({@code unknown}), that text
	 */
	public String of(Request request) {
		String peer = request.peerAddress();
		byte[] peerAddress = IpAddresses.bytes(peer);
		if (this.trustedProxies.isEmpty() || !this.trustedProxies.contains(peerAddress)) {
			return client(peerAddress, peer);
		}
		List<String> hops = forwardedHops(request);
		String client = client(peerAddress, peer);
		for (int i = hops.size() - 1; i >= 0; i--) {
			String hop = hops.get(i);
			byte[] address = IpAddresses.bytes(hop);
			client = client(address, hop);
			if (!this.trustedProxies.contains(address)) {
				return client;
			}
		}
		// Every hop is a trusted proxy: the leftmost is as close to the client as we know.
		return client;
	}

	private String client(byte @Nullable [] address, String text) {
		if (address != null) {
			return (address.length == 4) ? IpAddresses.format(address) : ipv6Network(address);
		}
		String stripped = text.strip();
		if (stripped.isEmpty()) {
			return UNKNOWN;
		}
		return (stripped.length() <= MAX_UNPARSEABLE_LENGTH) ? stripped
				: stripped.substring(0, MAX_UNPARSEABLE_LENGTH);
	}

	private String ipv6Network(byte[] address) {
		byte[] network = address.clone();
		int fullBytes = this.ipv6PrefixLength / 8;
		int rest = this.ipv6PrefixLength % 8;
		if (rest != 0) {
			network[fullBytes] &= (byte) (0xff << (8 - rest));
			fullBytes++;
		}
		Arrays.fill(network, fullBytes, network.length, (byte) 0);
		return IpAddresses.format(network) + this.ipv6Suffix;
	}

	private List<String> forwardedHops(Request request) {
		for (ForwardedHeader header : this.forwardedHeaders) {
			List<String> lines = request.headerValues(header.headerName());
			if (!lines.isEmpty()) {
				return (header == ForwardedHeader.FORWARDED) ? forwardedElements(lines) : hopList(lines);
			}
		}
		return List.of();
	}

	private static List<String> forwardedElements(List<String> lines) {
		List<String> hops = new ArrayList<>();
		for (String line : lines) {
			if (line.isBlank()) {
				continue;
			}
			for (String element : line.split(",")) {
				hops.add(forwardedFor(element));
			}
		}
		return limit(hops);
	}

	/** X-Forwarded-For and X-Real-IP: comma-separated hops, each maybe with a port. */
	private static List<String> hopList(List<String> lines) {
		List<String> hops = new ArrayList<>();
		for (String line : lines) {
			// An empty line records no hop. An empty hop between commas stays: as an unknown
			// client, never skipped, so what stands left of it is not reached.
			if (line.isBlank()) {
				continue;
			}
			for (String hop : line.split(",", -1)) {
				hops.add(withoutPort(hop.strip()));
			}
		}
		return limit(hops);
	}

	/** Keeps the rightmost hops: the only ones that can be trusted proxies' writing. */
	private static List<String> limit(List<String> hops) {
		return (hops.size() <= MAX_HOPS) ? hops : hops.subList(hops.size() - MAX_HOPS, hops.size());
	}

	/** The {@code for=} parameter of one Forwarded element: a node such as 192.0.2.1, "[2001:db8::1]:4711" or unknown. */
	private static String forwardedFor(String element) {
		for (String pair : element.split(";")) {
			int equals = pair.indexOf('=');
			if (equals != -1 && pair.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("for")) {
				String node = pair.substring(equals + 1).strip();
				if (node.length() >= 2 && node.startsWith("\"") && node.endsWith("\"")) {
					node = node.substring(1, node.length() - 1);
				}
				return withoutPort(node);
			}
		}
		return UNKNOWN;
	}

	/** Drops the port of {@code 192.0.2.1:5678} and {@code [2001:db8::1]:80}. */
	private static String withoutPort(String node) {
		if (node.startsWith("[")) {
			int close = node.indexOf(']');
			return (close != -1) ? node.substring(0, close + 1) : node;
		}
		int colon = node.indexOf(':');
		// One colon: IPv4 with a port. More: an IPv6 address without brackets.
		return (colon != -1 && colon == node.lastIndexOf(':')) ? node.substring(0, colon) : node;
	}

	/**
	 * What the client address is read from: a request of some web stack.
	 */
	public interface Request {

		/**
		 * Returns the address of the peer of the connection.
		 * @return the address as text; empty when unknown
		 */
		String peerAddress();

		/**
		 * Returns the values of a request header, one per line received.
		 * @param name the header's name
		 * @return the values, empty when the request has none
		 */
		List<String> headerValues(String name);

	}

}
