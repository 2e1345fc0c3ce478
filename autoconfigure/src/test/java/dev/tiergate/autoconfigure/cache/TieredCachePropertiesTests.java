package dev.tiergate.autoconfigure.cache;

import java.util.Map;

import dev.tiergate.autoconfigure.PropertyMetadata;
import dev.tiergate.cache.TieredCacheSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties take their defaults from the engine's: a cache that nothing configures
 * gets exactly {@link TieredCacheSettings#builder(String)}'s settings, and so do the
 * defaults that the configuration metadata shows.
 */
class TieredCachePropertiesTests {

	@Test
	void anEmptyEnvironmentGivesTheEnginesDefaults() {
		assertThat(settingsOf(Map.of())).isEqualTo(TieredCacheSettings.builder("products").build());
	}

	@Test
	void theDefaultsInTheMetadataAreTheEnginesDefaults() {
		Map<String, Object> documented = PropertyMetadata.defaultValues("tiergate.cache.");
		assertThat(documented).containsKeys("tiergate.cache.max-value-size", "tiergate.cache.defaults.l1.ttl",
				"tiergate.cache.defaults.lock-lease", "tiergate.cache.defaults.lock-wait");
		assertThat(settingsOf(documented)).isEqualTo(TieredCacheSettings.builder("products").build());
	}

	private static TieredCacheSettings settingsOf(Map<String, Object> environment) {
		TieredCacheProperties properties = new Binder(new MapConfigurationPropertySource(environment))
			.bindOrCreate("tiergate.cache", TieredCacheProperties.class);
		return new TieredCacheSettingsResolver(properties).apply("products");
	}

}
