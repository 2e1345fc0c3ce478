package dev.tiergate.ratelimit.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.jspecify.annotations.Nullable;

/**
 * Parses IP address literals itself, byte by byte: no text reaches
 * {@code InetAddress.getByName}, whose resolver would look up in DNS (or a hosts file)
 * whatever it does not take for a literal, so a header a client wrote can never make the
 * application query a name service.
 */
final class IpAddresses {

	/** The longest literal: eight groups, the last two written as an IPv4 address. */
	private static final int MAX_LENGTH = 45;

	private static final int IPV6_GROUPS = 8;

	private IpAddresses() {
	}

	/**
	 * Parses an IPv4 or IPv6 literal. An IPv4-mapped IPv6 address
	 * ({@code ::ffff:192.0.2.1}) is the IPv4 address it maps.
	 * @param text the text, such as {@code 192.0.2.1}, {@code 2001:db8::1} or
	 * {@code [2001:db8::1]}
	 * @return the address, or {@code null} when the text is not an address literal (zone
	 * ids such as {@code fe80::1%eth0} included)
	 */
	static @Nullable InetAddress parse(String text) {
		byte[] bytes = bytes(text);
		if (bytes == null) {
			return null;
		}
		try {
			// From bytes the JDK builds the address without any lookup.
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/**
	 * Parses an IPv4 or IPv6 literal into its bytes.
	 * @param text the text
	 * @return 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6, {@code null} when the
	 * text is not an address literal
	 */
	static byte @Nullable [] bytes(String text) {
		String literal = text.strip();
		if (literal.length() >= 2 && literal.charAt(0) == '[' && literal.charAt(literal.length() - 1) == ']') {
			literal = literal.substring(1, literal.length() - 1);
		}
		if (literal.isEmpty() || literal.length() > MAX_LENGTH) {
			return null;
		}
		if (literal.indexOf(':') == -1) {
			return ipv4(literal);
		}
		byte[] ipv6 = ipv6(literal);
		return (ipv6 != null && isIpv4Mapped(ipv6)) ? new byte[] { ipv6[12], ipv6[13], ipv6[14], ipv6[15] } : ipv6;
	}

	/**
	 * Writes the address of the bytes in the form of
	 * {@code InetAddress.getHostAddress()}: {@code 192.0.2.1}, {@code 2001:db8:0:0:0:0:0:1}.
	 * @param bytes 4 or 16 bytes
	 * @return the text
	 */
	static String format(byte[] bytes) {
		StringBuilder text = new StringBuilder(39);
		if (bytes.length == 4) {
			for (int i = 0; i < 4; i++) {
				text.append((i > 0) ? "." : "").append(bytes[i] & 0xff);
			}
			return text.toString();
		}
		for (int i = 0; i < IPV6_GROUPS; i++) {
			int group = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
			text.append((i > 0) ? ":" : "").append(Integer.toHexString(group));
		}
		return text.toString();
	}

	private static boolean isIpv4Mapped(byte[] ipv6) {
		for (int i = 0; i < 10; i++) {
			if (ipv6[i] != 0) {
				return false;
			}
		}
		return ipv6[10] == (byte) 0xff && ipv6[11] == (byte) 0xff;
	}

	/** RFC 4291 text: up to eight groups of 1 to 4 hex digits, one "::" gap at most, an IPv4 tail. */
	private static byte @Nullable [] ipv6(String literal) {
		byte[] bytes = new byte[16];
		if (literal.equals("::")) {
			return bytes;
		}
		String body = literal;
		if (body.startsWith("::")) {
			body = body.substring(1);
		}
		else if (body.startsWith(":")) {
			return null;
		}
		if (body.endsWith("::")) {
			body = body.substring(0, body.length() - 1);
		}
		else if (body.endsWith(":")) {
			return null;
		}
		String[] parts = body.split(":", -1);
		int[] groups = new int[IPV6_GROUPS];
		int count = 0;
		int gap = -1;
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			if (part.isEmpty()) {
				if (gap != -1) {
					return null;
				}
				gap = count;
				continue;
			}
			if (i == parts.length - 1 && part.indexOf('.') != -1) {
				byte[] ipv4 = ipv4(part);
				if (ipv4 == null || count > IPV6_GROUPS - 2) {
					return null;
				}
				groups[count++] = ((ipv4[0] & 0xff) << 8) | (ipv4[1] & 0xff);
				groups[count++] = ((ipv4[2] & 0xff) << 8) | (ipv4[3] & 0xff);
				continue;
			}
			int group = hexGroup(part);
			if (group < 0 || count == IPV6_GROUPS) {
				return null;
			}
			groups[count++] = group;
		}
		if ((gap == -1) ? count != IPV6_GROUPS : count == IPV6_GROUPS) {
			return null;
		}
		int zeros = IPV6_GROUPS - count;
		for (int i = 0, target = 0; i < count; i++, target++) {
			if (i == gap) {
				target += zeros;
			}
			bytes[2 * target] = (byte) (groups[i] >> 8);
			bytes[2 * target + 1] = (byte) groups[i];
		}
		return bytes;
	}

	/** The value of 1 to 4 ASCII hex digits, -1 for anything else. */
	private static int hexGroup(String part) {
		if (part.length() > 4) {
			return -1;
		}
		int value = 0;
		for (int i = 0; i < part.length(); i++) {
			char c = part.charAt(i);
			int digit;
			if (c >= '0' && c <= '9') {
				digit = c - '0';
			}
			else if (c >= 'a' && c <= 'f') {
				digit = c - 'a' + 10;
			}
			else if (c >= 'A' && c <= 'F') {
				digit = c - 'A' + 10;
			}
			else {
				return -1;
			}
			value = (value << 4) | digit;
		}
		return value;
	}

	/** Four decimal parts of 0 to 255, ASCII digits only. */
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
