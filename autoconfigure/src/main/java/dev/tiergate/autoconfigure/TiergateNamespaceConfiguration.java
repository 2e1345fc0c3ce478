package dev.tiergate.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@link TiergateNamespace} bean, imported by the cache and rate-limit
 * auto-configurations so that both use one.
 */
@Configuration(proxyBeanMethods = false)
public class TiergateNamespaceConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TiergateNamespace tiergateNamespace(Environment environment) {
		return TiergateNamespace.resolve(environment);
	}

}
