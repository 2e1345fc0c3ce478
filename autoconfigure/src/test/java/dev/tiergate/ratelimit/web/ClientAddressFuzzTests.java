package dev.tiergate.ratelimit.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import dev.tiergate.test.Fuzz;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forwarding headers are written by clients: generated {@code X-Forwarded-For},
 * {@code Forwarded} and {@code X-Real-IP} headers (several lines, thousands of hops, quotes, brackets, ports,
 * parameters, lone surrogates, tens of kilobytes) never make {@link ClientAddress} or the
 * key resolvers throw, an untrusted peer never chooses its bucket, and behind trusted
 * proxies the client is the rightmost hop they did not write, in the header they write. Seeded, see {@link Fuzz}.
 */
class ClientAddressFuzzTests {

	private static final int TRIES = 600;

	private static final List<String> TRUSTED = List.of("10.0.0.0/8", "192.0.2.1", "2001:db8:100::/40");

	/** Reads every forwarding header, so that the generated text goes through every parser. */
	private final ClientAddress clientAddress = new ClientAddress(TrustedProxies.of(TRUSTED),
			List.of(ForwardedHeader.FORWARDED, ForwardedHeader.X_FORWARDED_FOR, ForwardedHeader.X_REAL_IP), 64);

	private final ClientAddress xForwardedFor = new ClientAddress(TrustedProxies.of(TRUSTED));

	private final ClientAddress forwarded = new ClientAddress(TrustedProxies.of(TRUSTED),
			List.of(ForwardedHeader.FORWARDED), 64);

	private final ServletClientKeyResolvers resolvers = new ServletClientKeyResolvers(this.clientAddress);

	@AfterEach
	void unbindRequest() {
		RequestContextHolder.resetRequestAttributes();
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void anUntrustedPeerIsTheClientWhateverItsHeadersSay(long seed) {
		Fuzz.forAll(seed, TRIES, (random) -> request(random, untrustedAddress(random)), (request) -> {
			String expected = canonical(request.getRemoteAddr());
			assertThat(this.clientAddress.of(ServletClientKeyResolvers.request(request))).isEqualTo(expected);
			assertThat(new ClientAddress(TrustedProxies.NONE).of(ServletClientKeyResolvers.request(request))).isEqualTo(expected);
			RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
			assertThat(this.resolvers.forSpec("ip").resolve()).isEqualTo("ip:" + expected);
			assertThat(this.resolvers.forSpec("user").resolve()).isEqualTo("ip:" + expected);
		});
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void fromATrustedProxyAnyHeaderGivesABoundedClientAndNeverThrows(long seed) {
		Fuzz.forAll(seed, TRIES, (random) -> request(random, trustedAddress(random)), (request) -> {
			String client = this.clientAddress.of(ServletClientKeyResolvers.request(request));
			assertThat(client.length()).isLessThanOrEqualTo(64);
			RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
			assertThat(this.resolvers.forSpec("ip").resolve()).isEqualTo("ip:" + client);
			String apiKey = this.resolvers.forSpec("header:X-Forwarded-For").resolve();
			assertThat(apiKey).isNotNull();
			assertThat(apiKey.length()).isLessThanOrEqualTo("header:".length() + ServletClientKeyResolvers.MAX_HEADER_LENGTH);
		});
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void behindTrustedProxiesTheClientIsTheRightmostHopTheyDidNotWrite(long seed) {
		Fuzz.forAll(seed, TRIES, ClientAddressFuzzTests::chain, (chain) -> {
			MockHttpServletRequest request = new MockHttpServletRequest();
			request.setRemoteAddr(chain.peer());
			String header = String.join(",", chain.hops());
			if (chain.forwarded()) {
				request.addHeader("Forwarded", String.join(", ", chain.hops().stream()
					.map((hop) -> (hop.indexOf(':') != -1) ? "for=\"[" + hop + "]:8080\"" : "for=" + hop + ";proto=https")
					.toList()));
				// Written by the client: the proxies that write Forwarded pass it on.
				request.addHeader("X-Forwarded-For", "198.51.100.250");
			}
			else {
				request.addHeader("X-Forwarded-For", header);
				request.addHeader("Forwarded", "for=198.51.100.250");
			}
			ClientAddress reader = chain.forwarded() ? this.forwarded : this.xForwardedFor;
			assertThat(reader.of(ServletClientKeyResolvers.request(request))).isEqualTo(canonical(chain.expectedClient()));
		});
	}

	private static MockHttpServletRequest request(Random random, String peer) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr(peer);
		int lines = random.nextInt(4);
		for (int i = 0; i < lines; i++) {
			request.addHeader(Fuzz.oneOf(random, "X-Forwarded-For", "Forwarded", "forwarded", "X-FORWARDED-FOR",
					"X-Real-IP"),
					headerValue(random));
		}
		return request;
	}

	private static String headerValue(Random random) {
		return switch (random.nextInt(6)) {
			case 0 -> Fuzz.string(random, 80);
			case 1 -> ",".repeat(random.nextInt(5000));
			case 2 -> Fuzz.string(random, 30_000);
			default -> {
				List<String> hops = new ArrayList<>();
				int count = random.nextBoolean() ? random.nextInt(5) : random.nextInt(3000);
				for (int i = 0; i < count; i++) {
					hops.add(hop(random));
				}
				yield String.join(Fuzz.oneOf(random, ",", ", ", " ,", ";", ",,"), hops);
			}
		};
	}

	private static String hop(Random random) {
		return switch (random.nextInt(12)) {
			case 0 -> untrustedAddress(random);
			case 1 -> trustedAddress(random);
			case 2 -> "for=" + untrustedAddress(random);
			case 3 -> "for=\"[" + ipv6(random, "2001:db8:cafe") + "]:" + random.nextInt(70000) + "\"";
			case 4 -> "For=" + trustedAddress(random) + ";proto=https;by=" + untrustedAddress(random);
			case 5 -> Fuzz.oneOf(random, "unknown", "_hidden", "for=unknown", "for=", "for=\"", "for=[", "[", "]:",
					"for=\"[::1]", "::", ":", "%", "fe80::1%eth0", "0x7f.1", "127.1", "999.1.1.1", "1.2.3.4.5",
					"localhost", "example.com", "[::ffff:10.0.0.1]", "::ffff:203.0.113.9");
			case 6 -> untrustedAddress(random) + ":" + random.nextInt(70000);
			case 7 -> " \t" + untrustedAddress(random) + " \t";
			default -> Fuzz.string(random, 20);
		};
	}

	/** A proxy chain of address literals, with the client it should give. */
	private static Chain chain(Random random) {
		List<String> hops = new ArrayList<>();
		int count = random.nextInt(6);
		for (int i = 0; i < count; i++) {
			hops.add((random.nextInt(3) == 0) ? trustedAddress(random) : untrustedAddress(random));
		}
		// What the trusted proxies added, on the right of whatever the client sent.
		int proxies = random.nextInt(3);
		for (int i = 0; i < proxies; i++) {
			hops.add(trustedAddress(random));
		}
		String peer = trustedAddress(random);
		String expected = peer;
		for (int i = hops.size() - 1; i >= 0; i--) {
			expected = hops.get(i);
			if (!isTrusted(expected)) {
				break;
			}
		}
		return new Chain(peer, hops, random.nextBoolean(), expected);
	}

	private static String untrustedAddress(Random random) {
		if (random.nextBoolean()) {
			int first = Fuzz.oneOf(random, 1, 9, 11, 100, 172, 191, 193, 198, 203, 223);
			return first + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
		}
		return ipv6(random, Fuzz.oneOf(random, "2001:db8:cafe", "2001:db9:100", "fd00:1:2"));
	}

	private static String trustedAddress(Random random) {
		return switch (random.nextInt(3)) {
			case 0 -> "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
			case 1 -> "192.0.2.1";
			default -> ipv6(random, "2001:db8:1" + String.format("%02x", random.nextInt(256)));
		};
	}

	private static String ipv6(Random random, String start) {
		return start + "::" + Integer.toHexString(random.nextInt(0x10000));
	}

	private static boolean isTrusted(String address) {
		return address.startsWith("10.") || address.equals("192.0.2.1") || address.startsWith("2001:db8:1");
	}

	/**
	 * The client an address literal is, written by the JDK (a literal never makes it ask
	 * DNS): IPv4 as it is, IPv6 as its /64.
	 */
	private static String canonical(String literal) {
		try {
			byte[] address = InetAddress.getByName(literal).getAddress();
			if (address.length == 4) {
				return InetAddress.getByAddress(address).getHostAddress();
			}
			Arrays.fill(address, 8, 16, (byte) 0);
			return InetAddress.getByAddress(address).getHostAddress() + "/64";
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Chain(String peer, List<String> hops, boolean forwarded, String expectedClient) {
	}

}
