package dev.tiergate.health;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TiergateHealthDefaults}: the health settings tiergate's statuses need,
 * unless the application sets its own.
 */
class TiergateHealthDefaultsTests {

	@Test
	void defaultsKeepAFallbackAt200AndYieldToTheApplicationsOwnSettings() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("management.health.redis.enabled", "true")));
		new TiergateHealthDefaults().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("management.endpoint.health.status.order"))
			.isEqualTo("DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN");
		assertThat(environment.getProperty("management.endpoint.health.status.http-mapping.degraded"))
			.isEqualTo("200");
		assertThat(environment.getProperty("management.health.redis.enabled")).isEqualTo("true");
	}

}
