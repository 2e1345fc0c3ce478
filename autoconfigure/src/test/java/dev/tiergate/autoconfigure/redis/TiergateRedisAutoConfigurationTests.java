package dev.tiergate.autoconfigure.redis;

import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class TiergateRedisAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri());

	@Test
	void withRedisThenTheGuardedConnectionIsDefined() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TiergateLettuceClient.class)
				.hasSingleBean(RedisConnector.class)
				.hasSingleBean(RedisHealthState.class)
				.hasSingleBean(GuardedRedis.class);
			assertThat(context.getBean(GuardedRedis.class).isAvailable()).isTrue();
		});
	}

	@Test
	void withCachingAndRateLimitingBothOffThenTiergateDoesNotConnect() {
		this.contextRunner.withPropertyValues("tiergate.cache.enabled=false", "tiergate.rate-limit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GuardedRedis.class)
				.doesNotHaveBean(RedisConnector.class));
		this.contextRunner.withPropertyValues("tiergate.cache.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(GuardedRedis.class));
		this.contextRunner.withPropertyValues("tiergate.rate-limit.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(GuardedRedis.class));
	}

	@Test
	void whenLettuceIsMissingThenNoRedisBeansAreDefined() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RedisConnector.class)
				.doesNotHaveBean(GuardedRedis.class));
	}

	@Test
	void theCircuitBreakerIsBuiltFromItsProperties() {
		this.contextRunner.withPropertyValues("tiergate.redis.circuit-breaker.sliding-window-size=7")
			.run((context) -> assertThat(context.getBean(GuardedRedis.class)
				.breaker()
				.getCircuitBreakerConfig()
				.getSlidingWindowSize()).isEqualTo(7));
	}

	@Test
	void anInvalidCircuitBreakerSettingFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.redis.circuit-breaker.failure-rate-threshold=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.redis.circuit-breaker.failure-rate-threshold with value ").hasMessageContaining("is invalid: It must be a percentage"
						+ " above 0 and at most 100 but was 0.0"));
	}

	@Test
	void everyInvalidCircuitBreakerSettingIsNamedByItsProperty() {
		for (String property : new String[] { "slow-call-rate-threshold=0", "slow-call-duration-threshold=0",
				"sliding-window-size=0", "minimum-number-of-calls=0", "wait-in-open-state=0",
				"permitted-calls-in-half-open-state=0" }) {
			this.contextRunner.withPropertyValues("tiergate.redis.circuit-breaker." + property)
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageStartingWith("Property tiergate.redis.circuit-breaker."
							+ property.substring(0, property.indexOf('=')) + " with value "));
		}
	}

	@Test
	void aZeroRedisTimeoutFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.redis.timeout=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.redis.timeout with value "));
	}

	@Test
	void theDefaultsAreTheBreakersDefaults() {
		this.contextRunner.run((context) -> assertThat(
				RedisSettingsMapper.breakerSettings(context.getBean(TiergateRedisProperties.class).getCircuitBreaker()))
			.isEqualTo(BreakerSettings.DEFAULTS));
	}

}
