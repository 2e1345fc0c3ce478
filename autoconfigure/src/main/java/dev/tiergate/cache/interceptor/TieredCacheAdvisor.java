package dev.tiergate.cache.interceptor;

import dev.tiergate.interceptor.AnnotatedMethodAdvisor;

/**
 * Advises the methods that carry tiered cache annotations with a
 * {@link TieredCacheInterceptor}. Its order (property {@code tiergate.cache.order}) places
 * it among the application's other advice; by default it runs inside rate limiting and
 * outside {@code @Transactional}, so a cache hit opens no transaction.
 */
public final class TieredCacheAdvisor extends AnnotatedMethodAdvisor {

	/**
	 * Creates an advisor.
	 * @param interceptor the interceptor to apply
	 * @param order the order of this advisor among others
	 */
	public TieredCacheAdvisor(TieredCacheInterceptor interceptor, int order) {
		super(interceptor, order, TieredCacheOperationSource.ANNOTATION_TYPES);
	}

}
