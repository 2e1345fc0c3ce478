package dev.tiergate.ratelimit.web;

import java.util.List;

import dev.tiergate.ratelimit.ClientKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The key resolvers read the request bound to the thread.
 */
class ServletClientKeyResolversTests {

	private final ServletClientKeyResolvers resolvers = new ServletClientKeyResolvers(TrustedProxies.NONE);

	private final MockHttpServletRequest request = new MockHttpServletRequest();

	@AfterEach
	void unbind() {
		RequestContextHolder.resetRequestAttributes();
		SecurityContextHolder.clearContext();
	}

	@Test
	void outsideARequestTheRequestBasedResolversKnowNoClient() {
		assertThat(this.resolvers.forSpec("ip").resolve()).isNull();
		assertThat(this.resolvers.forSpec("user").resolve()).isNull();
		assertThat(this.resolvers.forSpec("header:X-Api-Key").resolve()).isNull();
		assertThat(this.resolvers.forSpec("global").resolve()).isEqualTo("global");
	}

	@Test
	void ipIsThePeerAddress() {
		bind("198.51.100.20");
		assertThat(this.resolvers.forSpec("ip").resolve()).isEqualTo("ip:198.51.100.20");
	}

	@Test
	void userIsTheAuthenticatedSpringSecurityUserAndAnonymousCallersFallBackToTheirAddress() {
		bind("198.51.100.21");
		ClientKeyResolver user = this.resolvers.forSpec("user");
		assertThat(user.resolve()).isEqualTo("ip:198.51.100.21");
		SecurityContextHolder.getContext()
			.setAuthentication(new AnonymousAuthenticationToken("key", "anonymousUser",
					AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
		assertThat(user.resolve()).isEqualTo("ip:198.51.100.21");
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", null,
					AuthorityUtils.createAuthorityList("ROLE_USER")));
		assertThat(user.resolve()).isEqualTo("user:alice");
	}

	@Test
	void userWithoutASpringSecurityAuthenticationIsTheContainersPrincipal() {
		bind("198.51.100.22");
		this.request.setUserPrincipal(() -> "bob");
		assertThat(this.resolvers.forSpec("user").resolve()).isEqualTo("user:bob");
	}

	@Test
	void headerValuesAreBoundedAndCallersWithoutTheHeaderFallBackToTheirAddress() {
		bind("198.51.100.23");
		ClientKeyResolver apiKey = this.resolvers.forSpec("header:X-Api-Key");
		assertThat(apiKey.resolve()).isEqualTo("ip:198.51.100.23");
		this.request.addHeader("X-Api-Key", "k".repeat(10_000));
		assertThat(apiKey.resolve()).hasSize("header:".length() + ServletClientKeyResolvers.MAX_HEADER_LENGTH);
	}

	@Test
	void unknownSpecsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolvers.forSpec("cookie"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolvers.forSpec("header:"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolvers.forSpec("header:a b"));
	}

	@Test
	void trustedProxiesApplyToIp() {
		ServletClientKeyResolvers behindProxy = new ServletClientKeyResolvers(TrustedProxies.of(List.of("127.0.0.1")));
		bind("127.0.0.1");
		this.request.addHeader("X-Forwarded-For", "203.0.113.77");
		assertThat(behindProxy.forSpec("ip").resolve()).isEqualTo("ip:203.0.113.77");
	}

	private void bind(String remoteAddress) {
		this.request.setRemoteAddr(remoteAddress);
		RequestContextHolder.setRequestAttributes(
				new ServletRequestAttributes(this.request, new MockHttpServletResponse()));
	}

}
