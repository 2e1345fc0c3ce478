package dev.tiergate.autoconfigure;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Makes sure an auto-proxy creator exists even when Spring Boot's AOP auto-configuration
 * is switched off ({@code spring.aop.auto=false}), so tiergate's annotations never
 * silently stop working. Imported by every auto-configuration that adds an advisor.
 */
final class TiergateAutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		boolean present = registry.containsBeanDefinition(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME);
		AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		if (!present) {
			AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
		}
	}

}
