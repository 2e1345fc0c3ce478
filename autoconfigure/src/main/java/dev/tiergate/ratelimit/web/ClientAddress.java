package dev.tiergate.ratelimit.web;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Finds the address of the client of a request. The peer address is the client, unless
 * it is a trusted proxy: then the hops the proxies recorded in {@code Forwarded} (RFC
 * 7239) or, without it, {@code X-Forwarded-For} are read from right to left, and the
 * first one that is not a trusted proxy is the client. Whatever stands further left was
 * written by the client itself, so a client cannot choose its bucket by sending these
 * headers.
 */
public final class ClientAddress {

	private static final int MAX_HOPS = 32;

	private static final int MAX_UNPARSEABLE_LENGTH = 64;

	private static final String UNKNOWN = "unknown";

	private final TrustedProxies trustedProxies;

	/**
	 * Creates a finder.
	 * @param trustedProxies the proxies whose forwarding headers are believed
	 */
	public ClientAddress(TrustedProxies trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

	/**
	 * Returns the client address of a request.
	 * @param request the request
	 * @return the address in canonical form ({@code 2001:db8:0:0:0:0:0:1}), or, when a
	 * trusted proxy recorded something that is not an address ({@code unknown}), that
	 * text
	 */
	public String of(HttpServletRequest request) {
		String peer = request.getRemoteAddr();
		InetAddress peerAddress = IpAddresses.parse(peer);
		if (this.trustedProxies.isEmpty() || !this.trustedProxies.contains(peerAddress)) {
			return canonical(peerAddress, peer);
		}
		List<String> hops = forwardedHops(request);
		String client = canonical(peerAddress, peer);
		for (int i = hops.size() - 1; i >= 0; i--) {
			String hop = hops.get(i);
			InetAddress address = IpAddresses.parse(hop);
			client = canonical(address, hop);
			if (!this.trustedProxies.contains(address)) {
				return client;
			}
		}
		// Every hop is a trusted proxy: the leftmost is as close to the client as we know.
		return client;
	}

	private static String canonical(@Nullable InetAddress address, String text) {
		if (address != null) {
			return address.getHostAddress();
		}
		String stripped = text.strip();
		if (stripped.isEmpty()) {
			return UNKNOWN;
		}
		return (stripped.length() <= MAX_UNPARSEABLE_LENGTH) ? stripped
				: stripped.substring(0, MAX_UNPARSEABLE_LENGTH);
	}

	private static List<String> forwardedHops(HttpServletRequest request) {
		List<String> forwarded = Collections.list(request.getHeaders("Forwarded"));
		if (!forwarded.isEmpty()) {
			List<String> hops = new ArrayList<>();
			for (String header : forwarded) {
				if (header.isBlank()) {
					continue;
				}
				for (String element : header.split(",")) {
					hops.add(forwardedFor(element));
				}
			}
			return limit(hops);
		}
		List<String> hops = new ArrayList<>();
		for (String header : Collections.list(request.getHeaders("X-Forwarded-For"))) {
			// An empty line records no hop. An empty hop between commas stays: as an unknown
			// client, never skipped, so what stands left of it is not reached.
			if (header.isBlank()) {
				continue;
			}
			for (String hop : header.split(",", -1)) {
				hops.add(hop.strip());
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

	private static String withoutPort(String node) {
		if (node.startsWith("[")) {
			int close = node.indexOf(']');
			return (close != -1) ? node.substring(0, close + 1) : node;
		}
		int colon = node.indexOf(':');
		// One colon: IPv4 with a port. More: an IPv6 address without brackets.
		return (colon != -1 && colon == node.lastIndexOf(':')) ? node.substring(0, colon) : node;
	}

}
