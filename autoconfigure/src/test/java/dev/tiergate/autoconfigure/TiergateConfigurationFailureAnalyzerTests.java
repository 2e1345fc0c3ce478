package dev.tiergate.autoconfigure;

import java.util.List;

import dev.tiergate.TiergateConfigurationException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

class TiergateConfigurationFailureAnalyzerTests {

	@Test
	void explainsWhatIsWrongWhereAndHowToFixIt() {
		TiergateConfigurationException cause = new TiergateConfigurationException(
				"property 'tiergate.cache.caches.products.l1.ttl'", "must be positive but was PT-5S",
				"Set tiergate.cache.caches.products.l1.ttl to a valid value.");
		FailureAnalysis analysis = new TiergateConfigurationFailureAnalyzer()
			.analyze(new BeanCreationException("tieredCaches", "failed", cause));
		assertThat(analysis.getDescription()).isEqualTo("tiergate is configured wrongly. The property"
				+ " 'tiergate.cache.caches.products.l1.ttl' must be positive but was PT-5S.");
		assertThat(analysis.getAction()).isEqualTo("Set tiergate.cache.caches.products.l1.ttl to a valid value.");
		assertThat(analysis.getCause()).isSameAs(cause);
	}

	@Test
	void isRegisteredWithSpringBoot() {
		// Boot's own analyzers need constructor arguments; only ours matters here.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			}));
		assertThat(analyzers).hasAtLeastOneElementOfType(TiergateConfigurationFailureAnalyzer.class);
	}

}
