package dev.tiergate.cache.interceptor;

import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Parses the tiered cache annotations of every singleton bean once all of them exist, so
 * that an annotation that cannot work fails the application at startup, naming the
 * method, instead of failing its first call. It also creates every cache in use, so their
 * metrics exist from the start.
 */
public final class TieredCacheMethodValidator implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final TieredCacheOperationSource operationSource;

	/**
	 * Creates a validator.
	 * @param beanFactory the bean factory whose beans to check
	 * @param operationSource the source that parses the annotations
	 */
	public TieredCacheMethodValidator(ConfigurableListableBeanFactory beanFactory,
			TieredCacheOperationSource operationSource) {
		this.beanFactory = beanFactory;
		this.operationSource = operationSource;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			if (!this.beanFactory.containsSingleton(name)) {
				continue;
			}
			Object bean = this.beanFactory.getSingleton(name);
			if (bean == null) {
				continue;
			}
			Class<?> targetClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
			if (!AnnotationUtils.isCandidateClass(targetClass, TieredCacheable.class)
					&& !AnnotationUtils.isCandidateClass(targetClass, TieredCachePut.class)
					&& !AnnotationUtils.isCandidateClass(targetClass, TieredCacheEvict.class)) {
				continue;
			}
			ReflectionUtils.doWithMethods(targetClass, (method) -> {
				if (TieredCacheOperationSource.isAnnotated(method, targetClass)) {
					this.operationSource.validate(method, targetClass);
				}
			}, ReflectionUtils.USER_DECLARED_METHODS);
		}
	}

}
