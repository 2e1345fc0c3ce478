package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.web.RateLimitResponseHeaders;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Answers a {@link RateLimitExceededException} with HTTP 429 Too Many Requests and an RFC
 * 9457 problem body ({@code application/problem+json}), with the properties {@code tier}
 * and {@code retryAfter} (seconds). The headers, {@code Retry-After} included, were
 * written when the call was rejected ({@link RateLimitResponseHeaders}).
 * <p>
 * It has the lowest precedence: an {@code @ExceptionHandler} for the exception in an
 * application's own {@code @ControllerAdvice} answers instead.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
final class RateLimitExceptionHandler {

	/**
	 * Answers a rejected call.
	 * @param ex the rejection
	 * @return the 429 answer
	 */
	@ExceptionHandler(RateLimitExceededException.class)
	public ResponseEntity<ProblemDetail> rateLimitExceeded(RateLimitExceededException ex) {
		long retryAfter = ex.getDecision().retryAfterSeconds();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
				"Rate limit of tier '" + ex.getTier() + "' exceeded. Retry after " + retryAfter + " second"
						+ ((retryAfter == 1) ? "." : "s."));
		problem.setTitle(HttpStatus.TOO_MANY_REQUESTS.getReasonPhrase());
		problem.setProperty("tier", ex.getTier());
		problem.setProperty("retryAfter", retryAfter);
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body(problem);
	}

}
