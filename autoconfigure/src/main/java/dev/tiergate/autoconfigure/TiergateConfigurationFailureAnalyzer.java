package dev.tiergate.autoconfigure;

import dev.tiergate.TiergateConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link TiergateConfigurationException} at startup: which method is wrong, why,
 * and how to fix it.
 */
final class TiergateConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<TiergateConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TiergateConfigurationException cause) {
		return new FailureAnalysis("tiergate is configured wrongly. The " + cause.getSubject() + " "
				+ cause.getProblem() + ".", cause.getAction(), cause);
	}

}
