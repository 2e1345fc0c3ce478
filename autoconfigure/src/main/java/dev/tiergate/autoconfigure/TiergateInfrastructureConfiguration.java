package dev.tiergate.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * What the cache and rate-limit auto-configurations share, imported by both so that there
 * is one of each: the {@link TiergateNamespace} bean and the auto-proxy creator that
 * applies both advices in one proxy.
 */
@Configuration(proxyBeanMethods = false)
@Import(TiergateAutoProxyRegistrar.class)
public class TiergateInfrastructureConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TiergateNamespace tiergateNamespace(Environment environment) {
		return TiergateNamespace.resolve(environment);
	}

}
