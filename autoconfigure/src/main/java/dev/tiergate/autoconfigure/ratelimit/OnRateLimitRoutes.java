package dev.tiergate.autoconfigure.ratelimit;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code tiergate.rate-limit.routes} has at least one entry: an application
 * without routes gets no filter, and so no work per request.
 */
final class OnRateLimitRoutes extends SpringBootCondition {

	private static final ConfigurationPropertyName ROUTES = ConfigurationPropertyName.of("tiergate.rate-limit.routes");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(ROUTES) == ConfigurationPropertyState.PRESENT) {
				return ConditionOutcome.match("tiergate.rate-limit.routes is set");
			}
		}
		return ConditionOutcome.noMatch("tiergate.rate-limit.routes is not set");
	}

}
