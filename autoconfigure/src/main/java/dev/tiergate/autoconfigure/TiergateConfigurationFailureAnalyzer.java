package dev.tiergate.autoconfigure;

import dev.tiergate.TiergateConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Explains a {@link TiergateConfigurationException} at startup: which property or method
 * is wrong, why, how to fix it, and for a property where its value came from (file and
 * line, or the environment variable), as Boot's own analysis of an invalid property value
 * does.
 */
final class TiergateConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<TiergateConfigurationException> {

	private final @Nullable Environment environment;

	/**
	 * Creates an analyzer; Boot passes the application's environment.
	 * @param environment the environment the failed application read, or {@code null}
	 */
	TiergateConfigurationFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TiergateConfigurationException cause) {
		Origin origin = originOf(cause.getProperty());
		String from = (origin != null) ? " (from " + origin + ")" : "";
		return new FailureAnalysis("tiergate is configured wrongly. The " + cause.getSubject() + " "
				+ cause.getProblem() + from + ".", cause.getAction(), cause);
	}

	private @Nullable Origin originOf(@Nullable String property) {
		if (property == null || this.environment == null || !ConfigurationPropertyName.isValid(property)) {
			return null;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty value = source.getConfigurationProperty(name);
			if (value != null && value.getOrigin() != null) {
				return value.getOrigin();
			}
		}
		return null;
	}

}
