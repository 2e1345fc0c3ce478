package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.web.RateLimitProblem;
import dev.tiergate.ratelimit.web.RateLimitResponseHeaders;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Answers a {@link RateLimitExceededException} with HTTP 429 Too Many Requests and an RFC
 * 9457 problem body ({@code application/problem+json}), {@link RateLimitProblem}: the
 * properties {@code tier} and {@code retryAfter} (seconds), and with the IETF headers on
 * the type {@code quota-exceeded} and {@code violated-policies}. The headers, {@code Retry-After} included, were
 * written when the call was rejected ({@link RateLimitResponseHeaders}).
 * <p>
 * It serves Spring MVC and WebFlux alike. It has the lowest precedence: an {@code @ExceptionHandler} for the exception in an
 * application's own {@code @ControllerAdvice} answers instead.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
final class RateLimitExceptionHandler {

	private final RateLimitProblem problem;

	RateLimitExceptionHandler(RateLimitProblem problem) {
		this.problem = problem;
	}

	/**
	 * Answers a rejected call.
	 * @param ex the rejection
	 * @return the 429 answer
	 */
	@ExceptionHandler(RateLimitExceededException.class)
	public ResponseEntity<ProblemDetail> rateLimitExceeded(RateLimitExceededException ex) {
		// The type set here, not negotiated: WebFlux would write the problem to a client that
		// accepts only text/event-stream as an event.
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(this.problem.of(ex.getDecision()));
	}

}
