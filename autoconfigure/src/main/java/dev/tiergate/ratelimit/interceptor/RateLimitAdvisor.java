package dev.tiergate.ratelimit.interceptor;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.tiergate.interceptor.AnnotatedMethodAdvisor;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimiters;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.BeanResolver;

/**
 * Advises {@code @RateLimited} methods, and the public methods of {@code @RateLimited}
 * classes. Its order (property {@code tiergate.rate-limit.order}) places it among the
 * application's other advice; by default it runs outside the tiered cache, so an answer
 * from the cache still takes tokens.
 */
public final class RateLimitAdvisor extends AnnotatedMethodAdvisor {

	/**
	 * Creates an advisor and the interceptor it applies.
	 * @param rateLimiters the rate limiters, resolved on first use so that creating the
	 * advisor connects to nothing
	 * @param keyResolvers the key resolver of each tier, by tier name
	 * @param listener told about every decision, resolved on first use
	 * @param beanResolver resolves {@code @beanName} references in expressions, if any
	 * @param classLoader the class loader for compiled expressions
	 * @param order the order of this advisor among others
	 */
	public RateLimitAdvisor(Supplier<RateLimiters> rateLimiters, Function<String, ClientKeyResolver> keyResolvers,
			Supplier<RateLimitListener> listener, @Nullable BeanResolver beanResolver,
			@Nullable ClassLoader classLoader, int order) {
		this(new RateLimitInterceptor(new RateLimitOperationSource(rateLimiters, keyResolvers, classLoader), listener,
				beanResolver), order);
	}

	RateLimitAdvisor(RateLimitInterceptor interceptor, int order) {
		super(interceptor, order);
	}

}
