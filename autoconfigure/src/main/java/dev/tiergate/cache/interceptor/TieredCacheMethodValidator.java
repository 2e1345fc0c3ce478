package dev.tiergate.cache.interceptor;

import dev.tiergate.interceptor.AnnotatedMethodValidator;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Parses the tiered cache annotations of every singleton bean once all of them exist, so
 * that an annotation that cannot work fails the application at startup, naming the
 * method, instead of failing its first call. It also creates every cache in use, so their
 * metrics exist from the start.
 */
public final class TieredCacheMethodValidator extends AnnotatedMethodValidator {

	/**
	 * Creates a validator.
	 * @param beanFactory the bean factory whose beans to check
	 * @param operationSource the source that parses the annotations
	 */
	public TieredCacheMethodValidator(ConfigurableListableBeanFactory beanFactory,
			TieredCacheOperationSource operationSource) {
		super(beanFactory, operationSource);
	}

}
