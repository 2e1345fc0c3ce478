package dev.tiergate.interceptor;

import java.util.LinkedHashSet;
import java.util.Set;

import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.interceptor.TieredCacheAdvisor;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.interceptor.RateLimitAdvisor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AnnotatedMethodAdvisor}: its pointcut is a value, so that Spring AOP
 * reuses one proxy class per target class across application contexts instead of
 * defining a new CGLIB class (in Metaspace) for every context of a test suite.
 */
class AnnotatedMethodAdvisorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
				TieredCacheAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withPropertyValues("spring.aop.proxy-target-class=true");

	@Test
	void oneProxyClassServesATargetClassInEveryApplicationContext() {
		assertOneProxyClassAcrossContexts(CachedService.class, CachedServiceConfiguration.class);
		assertOneProxyClassAcrossContexts(LimitedService.class, LimitedServiceConfiguration.class);
		assertOneProxyClassAcrossContexts(CachedAndLimitedService.class, CachedAndLimitedServiceConfiguration.class);
	}

	private void assertOneProxyClassAcrossContexts(Class<?> beanType, Class<?> configuration) {
		Set<Class<?>> proxyClasses = new LinkedHashSet<>();
		for (int round = 0; round < 3; round++) {
			this.contextRunner.withUserConfiguration(configuration).run((context) -> {
				Object bean = context.getBean(beanType);
				assertThat(AopUtils.isCglibProxy(bean)).isTrue();
				proxyClasses.add(bean.getClass());
			});
		}
		assertThat(proxyClasses).as("CGLIB classes created for %s in three contexts", beanType.getSimpleName())
			.hasSize(1);
	}

	@Test
	void thePointcutsOfTwoAdvisorsOfOneKindAreEqualAndNamedAlike() {
		this.contextRunner.run((first) -> this.contextRunner.run((second) -> {
			for (Class<? extends AnnotatedMethodAdvisor> type : Set.of(TieredCacheAdvisor.class,
					RateLimitAdvisor.class)) {
				AnnotatedMethodAdvisor one = first.getBean(type);
				AnnotatedMethodAdvisor other = second.getBean(type);
				assertThat(one.getPointcut()).isEqualTo(other.getPointcut())
					.hasSameHashCodeAs(other.getPointcut())
					.hasToString(other.getPointcut().toString());
				assertThat(one.getPointcut().getMethodMatcher())
					.hasToString(other.getPointcut().getMethodMatcher().toString());
				assertThat(one.getPointcut().getMethodMatcher().toString()).contains(type.getSimpleName());
				assertThat(one).as("advisors with different interceptors").isNotEqualTo(other);
				assertThat(one).hasToString(other.toString());
			}
			assertThat(first.getBean(TieredCacheAdvisor.class).getPointcut())
				.isNotEqualTo(first.getBean(RateLimitAdvisor.class).getPointcut());
			assertThat(first.getBean(TieredCacheAdvisor.class).getPointcut().getMethodMatcher().toString())
				.isNotEqualTo(first.getBean(RateLimitAdvisor.class).getPointcut().getMethodMatcher().toString());
		}));
	}

	public static class CachedService {

		@TieredCacheable("greetings")
		public String greet(String name) {
			return "hello " + name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CachedServiceConfiguration {

		@Bean
		CachedService cachedService() {
			return new CachedService();
		}

	}

	public static class LimitedService {

		@RateLimited("content")
		public String greet(String name) {
			return "hello " + name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LimitedServiceConfiguration {

		@Bean
		LimitedService limitedService() {
			return new LimitedService();
		}

	}

	public static class CachedAndLimitedService {

		@RateLimited("content")
		@TieredCacheable("greetings")
		public String greet(String name) {
			return "hello " + name;
		}

		@RateLimited("chat")
		public String chat(String name) {
			return "hi " + name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CachedAndLimitedServiceConfiguration {

		@Bean
		CachedAndLimitedService cachedAndLimitedService() {
			return new CachedAndLimitedService();
		}

	}

}
