package dev.tiergate.ratelimit.interceptor;

import dev.tiergate.interceptor.AnnotatedMethodValidator;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Parses {@code @RateLimited} on every singleton bean once all of them exist, so that an
 * annotation that cannot work (an unknown tier, a bad expression, a cost above the
 * capacity) fails the application at startup, naming the method, instead of its first
 * call.
 */
public final class RateLimitMethodValidator extends AnnotatedMethodValidator {

	/**
	 * Creates a validator.
	 * @param beanFactory the bean factory whose beans to check
	 * @param operationSource the source that parses the annotations
	 */
	public RateLimitMethodValidator(ConfigurableListableBeanFactory beanFactory,
			RateLimitOperationSource operationSource) {
		super(beanFactory, operationSource);
	}

}
