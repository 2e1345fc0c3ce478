package dev.tiergate.ratelimit;

/**
 * Thrown instead of calling a {@link RateLimited @RateLimited} method when what its
 * {@link RateLimited#costExpression() costExpression} computed is no cost tiergate can
 * charge: not a whole number, negative, beyond a {@code long}, or more tokens than the
 * tier's smallest capacity. The last could never be allowed, however long the client
 * waited, so it is not answered as a rate limit (a 429 would have to name a time after
 * which a retry passes); it is left to the application, like any other exception (a 500
 * unless an {@code @ExceptionHandler} answers it, for example with 413 when the cost
 * comes from the size of the request).
 */
public class RateLimitCostException extends RuntimeException {

	private final String tier;

	/**
	 * Creates an exception.
	 * @param tier the tier of the call
	 * @param message what was wrong, naming the method and the value
	 */
	public RateLimitCostException(String tier, String message) {
		super(message);
		this.tier = tier;
	}

	/**
	 * Returns the tier of the refused call.
	 * @return the tier name
	 */
	public String getTier() {
		return this.tier;
	}

}
