package dev.tiergate.ratelimit.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.jspecify.annotations.Nullable;

/**
 * Parses IP address literals, never looking up a host name: a header a client wrote must
 * not make the application query DNS.
 */
final class IpAddresses {

	private IpAddresses() {
	}

	/**
	 * Parses an IPv4 or IPv6 literal.
	 * @param text the text, such as {@code 192.0.2.1}, {@code 2001:db8::1} or
	 * {@code [2001:db8::1]}
	 * @return the address, or {@code null} when the text is not an address literal
	 */
	static @Nullable InetAddress parse(String text) {
		String literal = text.strip();
		if (literal.startsWith("[") && literal.endsWith("]")) {
			literal = literal.substring(1, literal.length() - 1);
		}
		if (literal.isEmpty() || literal.length() > 45) {
			return null;
		}
		if (literal.indexOf(':') != -1) {
			return parseIpv6(literal);
		}
		byte[] bytes = ipv4(literal);
		try {
			return (bytes != null) ? InetAddress.getByAddress(bytes) : null;
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private static @Nullable InetAddress parseIpv6(String literal) {
		for (int i = 0; i < literal.length(); i++) {
			char c = literal.charAt(i);
			if (Character.digit(c, 16) == -1 && c != ':' && c != '.') {
				// Zone ids (fe80::1%eth0) and anything else: not a client address we key on.
				return null;
			}
		}
		try {
			// With a colon in it, the JDK parses a literal and never resolves a name.
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private static byte @Nullable [] ipv4(String literal) {
		byte[] bytes = new byte[4];
		int part = 0;
		int value = -1;
		for (int i = 0; i <= literal.length(); i++) {
			char c = (i < literal.length()) ? literal.charAt(i) : '.';
			if (c == '.') {
				if (value < 0 || part == 4) {
					return null;
				}
				bytes[part++] = (byte) value;
				value = -1;
			}
			else if (c >= '0' && c <= '9') {
				value = (value < 0) ? c - '0' : value * 10 + (c - '0');
				if (value > 255) {
					return null;
				}
			}
			else {
				return null;
			}
		}
		return (part == 4) ? bytes : null;
	}

}
