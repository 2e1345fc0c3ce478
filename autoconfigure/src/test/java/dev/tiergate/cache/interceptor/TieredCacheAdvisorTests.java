package dev.tiergate.cache.interceptor;

import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TieredCacheAdvisor}: two advisors are equal when they apply the same
 * interceptor at the same order (the pointcut's side is in
 * {@code AnnotatedMethodAdvisorTests}).
 */
class TieredCacheAdvisorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
				TieredCacheAutoConfiguration.class));

	@Test
	void anAdvisorIsEqualToAnotherWithTheSameAdviceAndOrder() {
		this.contextRunner.run((context) -> {
			TieredCacheAdvisor advisor = context.getBean(TieredCacheAdvisor.class);
			TieredCacheAdvisor same = new TieredCacheAdvisor((TieredCacheInterceptor) advisor.getAdvice(),
					advisor.getOrder());
			assertThat(same).isEqualTo(advisor).hasSameHashCodeAs(advisor).hasToString(advisor.toString());
			assertThat(new TieredCacheAdvisor((TieredCacheInterceptor) advisor.getAdvice(), advisor.getOrder() + 1))
				.isNotEqualTo(advisor);
		});
	}

}
