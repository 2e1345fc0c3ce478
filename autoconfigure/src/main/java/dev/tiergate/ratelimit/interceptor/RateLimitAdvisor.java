package dev.tiergate.ratelimit.interceptor;

import dev.tiergate.interceptor.AnnotatedMethodAdvisor;

/**
 * Advises {@code @RateLimited} methods, and the public methods of {@code @RateLimited}
 * classes, with a {@link RateLimitInterceptor}. Its order (property
 * {@code tiergate.rate-limit.order}) places it among the application's other advice; by
 * default it runs outside the tiered cache, so an answer from the cache still takes
 * tokens.
 */
public final class RateLimitAdvisor extends AnnotatedMethodAdvisor {

	/**
	 * Creates an advisor.
	 * @param interceptor the interceptor to apply
	 * @param order the order of this advisor among others
	 */
	public RateLimitAdvisor(RateLimitInterceptor interceptor, int order) {
		super(interceptor, order, RateLimitOperationSource.ANNOTATION_TYPES);
	}

}
