package dev.tiergate.ratelimit.web;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The name of the user authenticated with Spring Security on the current thread. Loaded
 * only when Spring Security is on the class path.
 */
final class SpringSecurityPrincipal {

	private SpringSecurityPrincipal() {
	}

	static @Nullable String name() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		return authentication.getName();
	}

}
