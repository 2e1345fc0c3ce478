package dev.tiergate.demo;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what in the demo. Reading is open: the page, its static files, the product
 * API, the demo's Redis switches, {@code /actuator/health}, {@code /actuator/metrics},
 * {@code /actuator/prometheus}, {@code GET /actuator/tiergate} and
 * {@code GET /actuator/caches}. Changing what the caches hold through the {@code tiergate}
 * endpoint ({@code DELETE /actuator/tiergate/{cache}} and {@code /{cache}/{key}}, and any
 * write operation it may gain) or Boot's {@code caches} endpoint ({@code DELETE
 * /actuator/caches} and {@code /actuator/caches/{cache}}) takes HTTP Basic credentials of a user with the role {@code ACTUATOR}: the user
 * of {@code spring.security.user.*} in {@code application.yml}.
 */
@Configuration(proxyBeanMethods = false)
public class DemoSecurityConfiguration {

	/** The role a user needs to evict caches through the actuator. */
	public static final String ACTUATOR_ROLE = "ACTUATOR";

	@Bean
	SecurityFilterChain demoSecurityFilterChain(HttpSecurity http) {
		return http
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(EndpointRequest.to("tiergate", "caches").withHttpMethod(HttpMethod.GET))
				.permitAll()
				.requestMatchers(EndpointRequest.to("tiergate", "caches"))
				.hasRole(ACTUATOR_ROLE)
				.anyRequest()
				.permitAll())
			.httpBasic(Customizer.withDefaults())
			// Credentials come with each request; no session, so no cookie a browser would send by itself.
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// CSRF tokens protect requests that a browser authenticates on its own (session cookies).
			// Here the only authenticated requests are DELETEs, which another site's page cannot
			// send without a CORS preflight that this application never allows; the POST switches
			// and the API take no credentials at all, so a token would protect nothing and only
			// break the page's fetch() calls and API clients.
			.csrf((csrf) -> csrf.disable())
			.build();
	}

}
