package dev.tiergate.cache.interceptor;

import java.util.function.Supplier;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.interceptor.AnnotatedMethodAdvisor;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;

/**
 * Advises the methods that carry tiered cache annotations ({@code @TieredCacheable},
 * {@code @TieredCachePut}, {@code @TieredCacheEvict}). Its order (property
 * {@code tiergate.cache.order}) places it among the application's other advice; by default
 * it runs inside rate limiting and outside {@code @Transactional}, so a cache hit opens no
 * transaction. Its {@linkplain #methodValidator validator} also creates every cache in use,
 * so their metrics exist from the start.
 */
public final class TieredCacheAdvisor extends AnnotatedMethodAdvisor {

	/**
	 * Creates an advisor and the interceptor it applies.
	 * @param caches the caches, resolved on first use so that creating the advisor creates
	 * no cache
	 * @param beanResolver resolves {@code @beanName} references in expressions, if any
	 * @param classLoader the class loader for compiled expressions
	 * @param order the order of this advisor among others
	 */
	public TieredCacheAdvisor(Supplier<TieredCaches> caches, @Nullable BeanResolver beanResolver,
			@Nullable ClassLoader classLoader, int order) {
		this(new TieredCacheInterceptor(new TieredCacheOperationSource(caches, classLoader), beanResolver), order);
	}

	TieredCacheAdvisor(TieredCacheInterceptor interceptor, int order) {
		super(interceptor, order);
	}

	TieredCacheOperationSource operationSource() {
		return (TieredCacheOperationSource) ((TieredCacheInterceptor) getAdvice()).operationSource();
	}

}
