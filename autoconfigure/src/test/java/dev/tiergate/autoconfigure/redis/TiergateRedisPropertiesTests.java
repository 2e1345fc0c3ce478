package dev.tiergate.autoconfigure.redis;

import java.util.Map;

import dev.tiergate.autoconfigure.PropertyMetadata;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit-breaker properties take their defaults from {@link BreakerSettings}, and
 * the configuration metadata shows the same defaults.
 */
class TiergateRedisPropertiesTests {

	@Test
	void anEmptyEnvironmentGivesTheBreakersDefaults() {
		assertThat(breakerSettingsOf(Map.of())).isEqualTo(BreakerSettings.DEFAULTS);
	}

	@Test
	void theDefaultsInTheMetadataAreTheBreakersDefaults() {
		Map<String, Object> documented = PropertyMetadata.defaultValues("tiergate.redis.circuit-breaker.");
		assertThat(documented).hasSize(7);
		assertThat(breakerSettingsOf(documented)).isEqualTo(BreakerSettings.DEFAULTS);
	}

	private static BreakerSettings breakerSettingsOf(Map<String, Object> environment) {
		TiergateRedisProperties properties = new Binder(new MapConfigurationPropertySource(environment))
			.bindOrCreate("tiergate.redis", TiergateRedisProperties.class);
		return RedisSettingsMapper.breakerSettings(properties.getCircuitBreaker());
	}

}
