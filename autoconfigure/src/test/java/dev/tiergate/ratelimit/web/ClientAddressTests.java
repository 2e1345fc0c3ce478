package dev.tiergate.ratelimit.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A client cannot choose its address: forwarding headers count only as far as trusted
 * proxies wrote them.
 */
class ClientAddressTests {

	private final ClientAddress behindProxies = new ClientAddress(
			TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.1", "2001:db8:100::/40")));

	@Test
	void withoutTrustedProxiesTheClientIsThePeerWhateverTheHeadersSay() {
		ClientAddress direct = new ClientAddress(TrustedProxies.NONE);
		MockHttpServletRequest request = request("198.51.100.7");
		request.addHeader("X-Forwarded-For", "203.0.113.1");
		request.addHeader("Forwarded", "for=203.0.113.2");
		assertThat(direct.of(request)).isEqualTo("198.51.100.7");
	}

	@Test
	void fromAnUntrustedPeerTheHeadersAreIgnored() {
		MockHttpServletRequest request = request("198.51.100.7");
		request.addHeader("X-Forwarded-For", "203.0.113.1, 10.0.0.5");
		assertThat(this.behindProxies.of(request)).isEqualTo("198.51.100.7");
	}

	@Test
	void fromATrustedProxyTheRightmostUntrustedHopIsTheClientAndWhatItClaimsFurtherLeftIsIgnored() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "1.1.1.1, 203.0.113.50, 10.9.9.9");
		assertThat(this.behindProxies.of(request)).isEqualTo("203.0.113.50");
	}

	@Test
	void severalHeaderLinesAreOneList() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "203.0.113.60");
		request.addHeader("X-Forwarded-For", "192.0.2.1");
		assertThat(this.behindProxies.of(request)).isEqualTo("203.0.113.60");
	}

	@Test
	void forwardedWinsOverXForwardedForAndItsNodesMayCarryPortsAndBrackets() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "203.0.113.1");
		request.addHeader("Forwarded", "for=198.51.100.1;proto=https, for=\"[2001:db8:cafe::17]:4711\", for=10.0.0.7:80");
		assertThat(this.behindProxies.of(request)).isEqualTo("2001:db8:cafe:0:0:0:0:17");
	}

	@Test
	void ipv6ProxiesAreMatchedByPrefix() {
		MockHttpServletRequest request = request("2001:db8:1ff::1");
		request.addHeader("X-Forwarded-For", "2001:db8:200::9, 2001:db8:100::2");
		assertThat(this.behindProxies.of(request)).isEqualTo("2001:db8:200:0:0:0:0:9");
	}

	@Test
	void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "10.0.0.1, 10.0.0.2");
		assertThat(this.behindProxies.of(request)).isEqualTo("10.0.0.1");
	}

	@Test
	void somethingAProxyRecordedThatIsNoAddressIsUsedAsItIsAndNeverLookedUp() {
		MockHttpServletRequest request = request("10.1.2.3");
		request.addHeader("X-Forwarded-For", "localhost");
		assertThat(this.behindProxies.of(request)).isEqualTo("localhost");
		request = request("10.1.2.3");
		request.addHeader("Forwarded", "for=unknown");
		assertThat(this.behindProxies.of(request)).isEqualTo("unknown");
	}

	@Test
	void equalAddressesWrittenDifferentlyAreOneClient() {
		ClientAddress direct = new ClientAddress(TrustedProxies.NONE);
		assertThat(direct.of(request("::1"))).isEqualTo(direct.of(request("0:0:0:0:0:0:0:1")));
	}

	@Test
	void invalidRangesAreRefusedWithTheirText() {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33")))
			.withMessageContaining("10.0.0.0/33");
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedProxies.of(List.of("proxy.example.com")))
			.withMessageContaining("proxy.example.com");
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedProxies.of(List.of("300.1.1.1")));
	}

	private static MockHttpServletRequest request(String remoteAddress) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr(remoteAddress);
		return request;
	}

}
