package dev.tiergate.ratelimit.web;

import java.net.InetSocketAddress;
import java.util.List;

import dev.tiergate.ratelimit.ClientKeyResolver;
import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The WebFlux key resolvers read the request being handled, with the rules of the servlet
 * ones: the same trusted-proxy rules, user by address when anonymous, bounded headers.
 */
class ReactiveClientKeyResolversTests {

	private final ReactiveClientKeyResolvers resolvers = ReactiveClientKeyResolvers.of(List.of(),
			List.of(ForwardedHeader.X_FORWARDED_FOR), ClientAddress.DEFAULT_IPV6_PREFIX_LENGTH);

	@Test
	void outsideARequestTheRequestBasedResolversKnowNoClient() {
		assertThat(this.resolvers.forSpec("ip").resolve()).isNull();
		assertThat(this.resolvers.forSpec("user").resolve()).isNull();
		assertThat(this.resolvers.forSpec("header:X-Api-Key").resolve()).isNull();
		assertThat(this.resolvers.forSpec("global").resolve()).isEqualTo("global");
	}

	@Test
	void ipIsThePeerAddressAndForwardingHeadersOfUntrustedPeersAreIgnored() {
		ReactiveRateLimitRequest request = request(MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("198.51.100.20", 4711))
			.header("X-Forwarded-For", "203.0.113.1"), null);
		assertThat(request.bound(this.resolvers.forSpec("ip")::resolve)).isEqualTo("ip:198.51.100.20");
	}

	@Test
	void aTrustedProxysForwardingHeaderNamesTheClient() {
		ReactiveClientKeyResolvers behindProxy = ReactiveClientKeyResolvers.of(List.of("10.0.0.0/8"),
				List.of(ForwardedHeader.FORWARDED, ForwardedHeader.X_FORWARDED_FOR), 64);
		ReactiveRateLimitRequest request = request(MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("10.1.2.3", 4711))
			.header("X-Forwarded-For", "203.0.113.77"), null);
		assertThat(request.bound(behindProxy.forSpec("ip")::resolve)).isEqualTo("ip:203.0.113.77");
		ReactiveRateLimitRequest ipv6 = request(MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("10.1.2.3", 4711))
			.header("Forwarded", "for=\"[2001:db8:1:2:3:4:5:6]:443\""), null);
		assertThat(ipv6.bound(behindProxy.forSpec("ip")::resolve)).as("keyed by its /64")
			.isEqualTo("ip:2001:db8:1:2:0:0:0:0/64");
	}

	@Test
	void userIsThePrincipalsNameAndAnonymousCallersFallBackToTheirAddress() {
		ClientKeyResolver user = this.resolvers.forSpec("user");
		MockServerHttpRequest.BaseBuilder<?> get = MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("198.51.100.21", 4711));
		assertThat(request(get, null).bound(user::resolve)).isEqualTo("ip:198.51.100.21");
		assertThat(request(get, "alice").bound(user::resolve)).isEqualTo("user:alice");
	}

	@Test
	void headerValuesAreBoundedAndCallersWithoutTheHeaderFallBackToTheirAddress() {
		ClientKeyResolver apiKey = this.resolvers.forSpec("header:X-Api-Key");
		InetSocketAddress peer = new InetSocketAddress("198.51.100.23", 4711);
		assertThat(request(MockServerHttpRequest.get("/").remoteAddress(peer), null).bound(apiKey::resolve))
			.isEqualTo("ip:198.51.100.23");
		assertThat(request(MockServerHttpRequest.get("/").remoteAddress(peer).header("X-Api-Key", "k1"), null)
			.bound(apiKey::resolve)).isEqualTo("header:k1");
		assertThat(request(MockServerHttpRequest.get("/").remoteAddress(peer).header("X-Api-Key", "k".repeat(10_000)),
				null)
			.bound(apiKey::resolve)).hasSize("header:".length() + RequestClientKeyResolvers.MAX_HEADER_LENGTH);
	}

	@Test
	void aRequestWithoutAPeerAddressIsKeyedByNoAddressRatherThanFailing() {
		ReactiveRateLimitRequest request = request(MockServerHttpRequest.get("/"), null);
		assertThat(request.bound(this.resolvers.forSpec("ip")::resolve)).startsWith("ip:");
	}

	@Test
	void unknownSpecsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolvers.forSpec("cookie"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolvers.forSpec("header:"));
	}

	private static ReactiveRateLimitRequest request(MockServerHttpRequest.BaseBuilder<?> request,
			@org.jspecify.annotations.Nullable String userName) {
		return new ReactiveRateLimitRequest(MockServerWebExchange.from(request), userName);
	}

}
