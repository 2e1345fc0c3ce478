package dev.tiergate.health;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults that keep an application's health at HTTP 200 while tiergate serves from its
 * fallback. They have the lowest precedence, so any value the application sets wins:
 * <ul>
 * <li>{@code management.endpoint.health.status.order} places {@code DEGRADED} between
 * {@code OUT_OF_SERVICE} and {@code UP}, and its HTTP status is 200;</li>
 * <li>{@code management.health.redis.enabled=false}: Spring Boot's own Redis indicator
 * would report {@code DOWN}, turning the whole health into 503 during an outage that
 * tiergate absorbs; the {@code tiergate} component reports Redis instead.</li>
 * </ul>
 */
final class TiergateHealthDefaults implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "tiergateHealthDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("management.endpoint.health.status.order", "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN",
							"management.endpoint.health.status.http-mapping.degraded", "200",
							"management.health.redis.enabled", "false")));
	}

}
