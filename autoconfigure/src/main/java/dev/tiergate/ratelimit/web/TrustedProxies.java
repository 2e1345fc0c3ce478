package dev.tiergate.ratelimit.web;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The addresses of the proxies in front of the application, as CIDR ranges
 * ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or single addresses, IPv4 and IPv6. Only
 * what these proxies write in the forwarding headers they are configured to write (see
 * {@link ForwardedHeader}) is believed.
 */
final class TrustedProxies {

	/** No proxy is trusted: the client is always the peer address. */
	static final TrustedProxies NONE = new TrustedProxies(List.of());

	private final List<Range> ranges;

	private TrustedProxies(List<Range> ranges) {
		this.ranges = ranges;
	}

	/**
	 * Parses ranges.
	 * @param cidrs the ranges, each {@code address/prefix-length} or a single address
	 * @return the trusted proxies
	 * @throws IllegalArgumentException naming the first range that cannot be parsed
	 */
	static TrustedProxies of(List<String> cidrs) {
		List<Range> ranges = new ArrayList<>();
		for (String cidr : cidrs) {
			ranges.add(Range.parse(cidr));
		}
		return new TrustedProxies(List.copyOf(ranges));
	}

	/**
	 * Returns whether no proxy is trusted.
	 * @return whether empty
	 */
	boolean isEmpty() {
		return this.ranges.isEmpty();
	}

	/**
	 * Returns whether an address belongs to a trusted proxy.
	 * @param address the address
	 * @return whether it is trusted
	 */
	boolean contains(@Nullable InetAddress address) {
		return address != null && contains(address.getAddress());
	}

	/**
	 * Returns whether an address belongs to a trusted proxy.
	 * @param bytes the address, 4 or 16 bytes
	 * @return whether it is trusted
	 */
	boolean contains(byte @Nullable [] bytes) {
		if (bytes == null) {
			return false;
		}
		for (Range range : this.ranges) {
			if (range.contains(bytes)) {
				return true;
			}
		}
		return false;
	}

	private record Range(byte[] network, int prefixLength) {

		static Range parse(String cidr) {
			String text = cidr.strip();
			int slash = text.indexOf('/');
			InetAddress address = IpAddresses.parse((slash != -1) ? text.substring(0, slash) : text);
			if (address == null) {
				throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR range");
			}
			int bits = address.getAddress().length * 8;
			int prefixLength = bits;
			if (slash != -1) {
				try {
					prefixLength = Integer.parseInt(text.substring(slash + 1));
				}
				catch (NumberFormatException ex) {
					prefixLength = -1;
				}
				if (prefixLength < 0 || prefixLength > bits) {
					throw new IllegalArgumentException(
							"'" + cidr + "' has a prefix length that is not between 0 and " + bits);
				}
			}
			return new Range(address.getAddress(), prefixLength);
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int fullBytes = this.prefixLength / 8;
			for (int i = 0; i < fullBytes; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefixLength % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (address[fullBytes] & mask) == (this.network[fullBytes] & mask);
		}

	}

}
