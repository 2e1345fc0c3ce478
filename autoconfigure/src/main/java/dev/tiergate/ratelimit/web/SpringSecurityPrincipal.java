package dev.tiergate.ratelimit.web;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The name of the user authenticated with Spring Security on the current thread, or of a
 * reactive principal. Loaded
 * only when Spring Security is on the class path.
 */
final class SpringSecurityPrincipal {

	private SpringSecurityPrincipal() {
	}

	static @Nullable String name() {
		return nameOf(SecurityContextHolder.getContext().getAuthentication());
	}

	/**
	 * Returns the name of a principal, such as WebFlux's reactive one: none for an
	 * authentication that is anonymous or not authenticated.
	 */
	static @Nullable String nameOf(@Nullable Principal principal) {
		if (!(principal instanceof Authentication authentication)) {
			return (principal != null) ? principal.getName() : null;
		}
		if (!authentication.isAuthenticated() || authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		return authentication.getName();
	}

}
