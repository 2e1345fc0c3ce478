package dev.tiergate.ratelimit.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A client cannot choose its address: forwarding headers count only as far as trusted
 * proxies wrote them, and only the headers they write; ports are dropped, an IPv6 client
 * is its network prefix.
 */
class ClientAddressTests {

	private static final TrustedProxies PROXIES = TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.1", "2001:db8:100::/40"));

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private final ClientAddress behindProxies = new ClientAddress(PROXIES);

	@Test
	void withoutTrustedProxiesTheClientIsThePeerWhateverTheHeadersSay() {
		ClientAddress direct = new ClientAddress(TrustedProxies.NONE);
		MockHttpServletRequest request = request("198.51.100.7");
		request.addHeader("X-Forwarded-For", "203.0.113.1");
		request.addHeader("Forwarded", "for=203.0.113.2");
		assertThat(direct.of(ServletClientKeyResolvers.request(request))).isEqualTo("198.51.100.7");
	}

	@Test
	void fromAnUntrustedPeerTheHeadersAreIgnored() {
		MockHttpServletRequest request = request("198.51.100.7");
		request.addHeader("X-Forwarded-For", "203.0.113.1, 10.0.0.5");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request))).isEqualTo("198.51.100.7");
	}

	@Test
	void fromATrustedProxyTheRightmostUntrustedHopIsTheClientAndWhatItClaimsFurtherLeftIsIgnored() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "1.1.1.1, 203.0.113.50, 10.9.9.9");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request))).isEqualTo("203.0.113.50");
	}

	@Test
	void severalHeaderLinesAreOneList() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "203.0.113.60");
		request.addHeader("X-Forwarded-For", "192.0.2.1");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request))).isEqualTo("203.0.113.60");
	}

	@Test
	void whenTheProxiesWriteForwardedItIsReadAndItsNodesMayCarryPortsAndBrackets() {
		ClientAddress forwarded = new ClientAddress(PROXIES, List.of(ForwardedHeader.FORWARDED), 128);
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "203.0.113.1");
		request.addHeader("Forwarded", "for=198.51.100.1;proto=https, for=\"[2001:db8:cafe::17]:4711\", for=10.0.0.7:80");
		assertThat(forwarded.of(ServletClientKeyResolvers.request(request))).isEqualTo("2001:db8:cafe:0:0:0:0:17");
	}

	@Test
	void ofSeveralHeadersTheProxiesWriteTheFirstListedThatIsPresentIsRead() {
		ClientAddress both = new ClientAddress(PROXIES,
				List.of(ForwardedHeader.FORWARDED, ForwardedHeader.X_FORWARDED_FOR), 64);
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "203.0.113.1");
		request.addHeader("Forwarded", "for=198.51.100.1");
		assertThat(both.of(ServletClientKeyResolvers.request(request))).isEqualTo("198.51.100.1");
		request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "203.0.113.1");
		assertThat(both.of(ServletClientKeyResolvers.request(request))).isEqualTo("203.0.113.1");
	}

	@Test
	void aForwardingHeaderTheProxiesDoNotWriteIsIgnored() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("Forwarded", "for=198.51.100.1");
		request.addHeader("X-Real-IP", "198.51.100.2");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request))).as("X-Forwarded-For only, by default").isEqualTo("10.1.2.3");
		ClientAddress realIp = new ClientAddress(PROXIES, List.of(ForwardedHeader.X_REAL_IP), 64);
		request.addHeader("X-Forwarded-For", "198.51.100.3");
		assertThat(realIp.of(ServletClientKeyResolvers.request(request))).isEqualTo("198.51.100.2");
	}

	/** Defect 11 of the 2026-12-02 review: 20 of 20 calls passed a 5-token tier. */
	@Test
	void aClientMustNotChooseItsBucketWithAForwardedHeaderItWroteItself() {
		ClientAddress address = new ClientAddress(TrustedProxies.of(List.of("10.0.0.0/8")));
		TierRateLimiter limiter = limiter();
		int allowed = 0;
		String lastKey = null;
		for (int i = 0; i < 20; i++) {
			MockHttpServletRequest request = request("10.0.0.2"); // the load balancer
			request.addHeader("X-Forwarded-For", "203.0.113.9"); // written by the proxy: the real client
			request.addHeader("Forwarded", "for=198.51.100." + i); // written by the client, passed through
			lastKey = "ip:" + address.of(ServletClientKeyResolvers.request(request));
			if (limiter.check(lastKey, 1).isAllowed()) {
				allowed++;
			}
		}
		assertThat(lastKey).isEqualTo("ip:203.0.113.9");
		assertThat(allowed).isEqualTo(5);
	}

	/** Defect 12: Azure Application Gateway writes "X-Forwarded-For: <ip>:<port>"; each connection was a new bucket. */
	@Test
	void aClientPortInXForwardedForMustNotMakeEachConnectionANewBucket() {
		ClientAddress address = new ClientAddress(TrustedProxies.of(List.of("10.0.0.0/8")));
		TierRateLimiter limiter = limiter();
		int allowed = 0;
		String lastKey = null;
		for (int i = 0; i < 20; i++) {
			MockHttpServletRequest request = request("10.0.0.2");
			request.addHeader("X-Forwarded-For", "203.0.113.9:" + (50000 + i));
			lastKey = "ip:" + address.of(ServletClientKeyResolvers.request(request));
			if (limiter.check(lastKey, 1).isAllowed()) {
				allowed++;
			}
		}
		assertThat(lastKey).isEqualTo("ip:203.0.113.9");
		assertThat(allowed).isEqualTo(5);
	}

	@Test
	void portsAreStrippedFromEveryKindOfHop() {
		ClientAddress full = new ClientAddress(PROXIES,
				List.of(ForwardedHeader.X_FORWARDED_FOR, ForwardedHeader.FORWARDED, ForwardedHeader.X_REAL_IP), 128);
		assertThat(full.of(ServletClientKeyResolvers.request(request("10.1.2.3", "X-Forwarded-For", "1.2.3.4:5678")))).isEqualTo("1.2.3.4");
		assertThat(full.of(ServletClientKeyResolvers.request(request("10.1.2.3", "X-Forwarded-For", "[::1]:80")))).isEqualTo("0:0:0:0:0:0:0:1");
		assertThat(full.of(ServletClientKeyResolvers.request(request("10.1.2.3", "X-Forwarded-For", "[2001:db8::1]:443, 10.0.0.9:80"))))
			.isEqualTo("2001:db8:0:0:0:0:0:1");
		assertThat(full.of(ServletClientKeyResolvers.request(request("10.1.2.3", "Forwarded", "for=\"[2001:db8::1]:4711\""))))
			.isEqualTo("2001:db8:0:0:0:0:0:1");
		assertThat(full.of(ServletClientKeyResolvers.request(request("10.1.2.3", "Forwarded", "for=\"1.2.3.4:4711\"")))).isEqualTo("1.2.3.4");
		assertThat(full.of(ServletClientKeyResolvers.request(request("10.1.2.3", "X-Real-IP", "1.2.3.4:5678")))).isEqualTo("1.2.3.4");
	}

	/** Defect 13: rotating addresses inside one /64 got a new bucket per request. */
	@Test
	void anIpv6ClientMustNotGetANewBucketForEveryAddressOfItsOwnSlash64() {
		ClientAddress address = new ClientAddress(TrustedProxies.NONE);
		TierRateLimiter limiter = limiter();
		int allowed = 0;
		for (int i = 1; i <= 20; i++) {
			MockHttpServletRequest request = request("2001:db8:1:2::" + Integer.toHexString(i));
			if (limiter.check("ip:" + address.of(ServletClientKeyResolvers.request(request)), 1).isAllowed()) {
				allowed++;
			}
		}
		assertThat(allowed).isEqualTo(5);
		assertThat(address.of(ServletClientKeyResolvers.request(request("2001:db8:1:2:aaaa:bbbb:cccc:dddd")))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(address.of(ServletClientKeyResolvers.request(request("2001:db8:1:3::1")))).as("the next /64").isEqualTo("2001:db8:1:3:0:0:0:0/64");
	}

	@Test
	void theIpv6PrefixLengthIsConfigurable() {
		ClientAddress slash48 = new ClientAddress(TrustedProxies.NONE, List.of(ForwardedHeader.X_FORWARDED_FOR), 48);
		assertThat(slash48.of(ServletClientKeyResolvers.request(request("2001:db8:1:2::1")))).isEqualTo("2001:db8:1:0:0:0:0:0/48");
		ClientAddress slash57 = new ClientAddress(TrustedProxies.NONE, List.of(ForwardedHeader.X_FORWARDED_FOR), 57);
		assertThat(slash57.of(ServletClientKeyResolvers.request(request("2001:db8:1:2ff::1")))).isEqualTo("2001:db8:1:280:0:0:0:0/57");
		ClientAddress whole = new ClientAddress(TrustedProxies.NONE, List.of(ForwardedHeader.X_FORWARDED_FOR), 128);
		assertThat(whole.of(ServletClientKeyResolvers.request(request("2001:db8:1:2::1")))).isEqualTo("2001:db8:1:2:0:0:0:1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClientAddress(TrustedProxies.NONE, List.of(ForwardedHeader.X_FORWARDED_FOR), 0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClientAddress(TrustedProxies.NONE, List.of(ForwardedHeader.X_FORWARDED_FOR), 129));
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddress(TrustedProxies.NONE, List.of(), 64));
	}

	@Test
	void anIpv4MappedIpv6AddressIsKeyedAsItsIpv4Address() {
		ClientAddress direct = new ClientAddress(TrustedProxies.NONE);
		assertThat(direct.of(ServletClientKeyResolvers.request(request("::ffff:203.0.113.9")))).isEqualTo("203.0.113.9");
		assertThat(direct.of(ServletClientKeyResolvers.request(request("0:0:0:0:0:ffff:cb00:7109")))).isEqualTo("203.0.113.9");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request("::ffff:10.1.2.3", "X-Forwarded-For", "198.51.100.4"))))
			.as("a mapped proxy address is the trusted IPv4 proxy")
			.isEqualTo("198.51.100.4");
	}

	/**
	 * Defect 14: ".ab::" went to the JDK resolver. In a child JVM whose name service is a
	 * hosts file mapping each hop to 6.6.6.6, every hop stays text: nothing was looked up.
	 */
	@Test
	void aForwardingHopIsNeverLookedUpAsAHostName() throws Exception {
		List<String> hops = List.of(".ab::", "evil.example", "x:y:z", "1::2::3", "g::1");
		Path hosts = Files.createTempFile("tiergate-hosts", ".txt");
		try {
			Files.writeString(hosts, "6.6.6.6 " + String.join(" ", hops) + "\n", StandardCharsets.US_ASCII);
			List<String> command = new ArrayList<>(List.of(
					Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
					ClientAddressDnsProbe.class.getName()));
			command.addAll(hops);
			Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(child.exitValue()).as(output).isZero();
			List<String> lines = output.strip().lines().toList();
			assertThat(lines).as(output).hasSize(hops.size());
			for (int i = 0; i < hops.size(); i++) {
				String hop = hops.get(i);
				assertThat(lines.get(i)).doesNotContain("6.6.6.6")
					.isEqualTo("hop=" + hop + " parse=null Forwarded=" + hop + " X-Forwarded-For=" + hop + " X-Real-IP="
							+ hop);
			}
		}
		finally {
			Files.delete(hosts);
		}
	}

	@Test
	void ipv6ProxiesAreMatchedByPrefix() {
		MockHttpServletRequest request = request("2001:db8:1ff::1");
		request.addHeader("X-Forwarded-For", "2001:db8:200::9, 2001:db8:100::2");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request))).isEqualTo("2001:db8:200:0:0:0:0:0/64");
	}

	@Test
	void onlyWellFormedLiteralsAreAddresses() {
		for (String address : List.of("::", "::1", "1::", "1::2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4",
				"::ffff:1.2.3.4", "[2001:db8::1]", "FFFF::", "0.0.0.0", "255.255.255.255")) {
			assertThat(IpAddresses.parse(address)).as(address).isNotNull();
		}
		for (String text : List.of(".ab::", ":1", "1:", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8",
				"12345::", "g::", "fe80::1%eth0", "1.2.3.4::", "::1.2.3", "::256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.x",
				"\u0661.2.3.4", "\uff11::", "localhost", "example.com", "[::1", "")) {
			assertThat(IpAddresses.parse(text)).as(text).isNull();
		}
	}

	@Test
	void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "10.0.0.1, 10.0.0.2");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request))).isEqualTo("10.0.0.1");
	}

	@Test
	void somethingAProxyRecordedThatIsNoAddressIsUsedAsItIsAndNeverLookedUp() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "localhost");
		assertThat(this.behindProxies.of(ServletClientKeyResolvers.request(request))).isEqualTo("localhost");
		request = request("10.1.2.3");
		request.addHeader("Forwarded", "for=unknown");
		assertThat(new ClientAddress(PROXIES, List.of(ForwardedHeader.FORWARDED), 64).of(ServletClientKeyResolvers.request(request))).isEqualTo("unknown");
	}

	@Test
	void equalAddressesWrittenDifferentlyAreOneClient() {
		ClientAddress direct = new ClientAddress(TrustedProxies.NONE);
		assertThat(direct.of(ServletClientKeyResolvers.request(request("::1")))).isEqualTo(direct.of(ServletClientKeyResolvers.request(request("0:0:0:0:0:0:0:1"))));
	}

	@Test
	void invalidRangesAreRefusedWithTheirText() {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33")))
			.withMessageContaining("10.0.0.0/33");
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedProxies.of(List.of("proxy.example.com")))
			.withMessageContaining("proxy.example.com");
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedProxies.of(List.of("300.1.1.1")));
	}

	private static TierRateLimiter limiter() {
		return new RateLimiters(List.of(CHAT), null, new ManualTimeMeter(), 1000).get("chat");
	}

	private static MockHttpServletRequest request(String remoteAddress, String header, String value) {
		MockHttpServletRequest request = request(remoteAddress);
		request.addHeader(header, value);
		return request;
	}

	private static MockHttpServletRequest request(String remoteAddress) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr(remoteAddress);
		return request;
	}

}
