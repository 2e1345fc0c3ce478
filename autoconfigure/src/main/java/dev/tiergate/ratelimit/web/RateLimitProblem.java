package dev.tiergate.ratelimit.web;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tiergate.ratelimit.RateLimitDecision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * The RFC 9457 problem that answers a rejected call with HTTP 429: the properties
 * {@code tier} and {@code retryAfter} (seconds), and with the IETF headers on, the type
 * {@value #QUOTA_EXCEEDED} and {@code violated-policies}, the name of the policy whose
 * limit refused the call (the limit closest to exhaustion, as in the {@code RateLimit}
 * field). The same body whether MVC's exception handler or the route filter answers.
 */
public final class RateLimitProblem {

	/** The problem type of draft-ietf-httpapi-ratelimit-headers for a call beyond its quota. */
	public static final String QUOTA_EXCEEDED = "https://iana.org/assignments/http-problem-types#quota-exceeded";

	private static final URI QUOTA_EXCEEDED_TYPE = URI.create(QUOTA_EXCEEDED);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final boolean ietf;

	/**
	 * Creates the problems of an application.
	 * @param ietf whether the IETF rate-limit fields are on, which adds the problem type
	 * and {@code violated-policies}
	 */
	public RateLimitProblem(boolean ietf) {
		this.ietf = ietf;
	}

	/**
	 * Returns the problem of a rejected call.
	 * @param decision the decision that rejected it
	 * @return the problem, status 429
	 */
	public ProblemDetail of(RateLimitDecision decision) {
		String tier = decision.tier().name();
		long retryAfter = decision.retryAfterSeconds();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
				(decision.isConcurrencyLimited()
						? "Concurrency limit of tier '" + tier + "' reached: too many calls in flight."
						: "Rate limit of tier '" + tier + "' exceeded.")
						+ " Retry after " + retryAfter + " second" + ((retryAfter == 1) ? "." : "s."));
		problem.setTitle(HttpStatus.TOO_MANY_REQUESTS.getReasonPhrase());
		if (this.ietf) {
			problem.setType(QUOTA_EXCEEDED_TYPE);
		}
		problem.setProperty("tier", tier);
		problem.setProperty("retryAfter", retryAfter);
		if (this.ietf) {
			String quoted = RateLimitHeaders.quotedPolicyName(decision.tier(), decision.limitIndex());
			problem.setProperty("violated-policies", List.of(quoted.substring(1, quoted.length() - 1)));
		}
		return problem;
	}

	/**
	 * Writes the 429 answer outside Spring MVC (a servlet filter), as MVC would write the
	 * problem: the headers of the decision are already on the response.
	 */
	void write(RateLimitDecision decision, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		byte[] bytes = body(decision, request.getRequestURI());
		response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
	}

	/**
	 * Returns the problem of a rejected call as JSON, for a web filter of either stack that
	 * answers outside the framework's own exception handling.
	 * @param decision the decision that rejected the call
	 * @param instance the request's path
	 * @return the body, UTF-8
	 */
	byte[] body(RateLimitDecision decision, String instance) {
		ProblemDetail problem = of(decision);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", String.valueOf(problem.getType()));
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		body.put("instance", instance);
		Map<String, Object> properties = problem.getProperties();
		if (properties != null) {
			body.putAll(properties);
		}
		return json.writeValueAsBytes(body);
	}

}
