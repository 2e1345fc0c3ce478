package dev.tiergate.autoconfigure.observation;

import dev.tiergate.observation.TiergateObservations;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Observations of cache reads that miss L1 and of rate-limit checks sent to Redis, made
 * when the application has an {@link ObservationRegistry} (Boot's, with
 * {@code spring-boot-micrometer-observation}, or its own).
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		beforeName = { "dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration",
				"dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@EnableConfigurationProperties(TiergateObservationProperties.class)
public final class TiergateObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TiergateObservations tiergateObservations(ObservationRegistry registry, TiergateObservationProperties properties) {
		return new TiergateObservations(registry, properties.isL1Hits());
	}

}
