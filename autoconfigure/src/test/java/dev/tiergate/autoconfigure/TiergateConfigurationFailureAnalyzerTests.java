package dev.tiergate.autoconfigure;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

class TiergateConfigurationFailureAnalyzerTests {

	@Test
	void explainsWhatIsWrongWhereAndHowToFixIt() {
		TiergateConfigurationException cause = new TiergateConfigurationException(
				"property 'tiergate.cache.caches.products.l1.ttl'", "must be positive but was PT-5S",
				"Set tiergate.cache.caches.products.l1.ttl to a valid value.");
		FailureAnalysis analysis = new TiergateConfigurationFailureAnalyzer(null)
			.analyze(new BeanCreationException("tieredCaches", "failed", cause));
		assertThat(analysis.getDescription()).isEqualTo("tiergate is configured wrongly. The property"
				+ " 'tiergate.cache.caches.products.l1.ttl' must be positive but was PT-5S.");
		assertThat(analysis.getAction()).isEqualTo("Set tiergate.cache.caches.products.l1.ttl to a valid value.");
		assertThat(analysis.getCause()).isSameAs(cause);
	}

	@Test
	void anInvalidYamlValueIsExplainedWithItsPropertyAndTheLineItCameFrom() throws IOException {
		List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("invalid-cache.yml",
				new ClassPathResource("dev/tiergate/autoconfigure/invalid-cache.yml"));
		AtomicReference<ConfigurableEnvironment> environment = new AtomicReference<>();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
					TieredCacheAutoConfiguration.class))
			.withInitializer((context) -> {
				yaml.forEach(context.getEnvironment().getPropertySources()::addFirst);
				environment.set(context.getEnvironment());
			})
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TiergateConfigurationFailureAnalyzer(environment.get())
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.startsWith("tiergate is configured wrongly. The property 'tiergate.cache.defaults.l1.ttl' must be"
							+ " positive but was PT-5S (from class path resource"
							+ " [dev/tiergate/autoconfigure/invalid-cache.yml]")
					.endsWith(" - 5:14).");
			});
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
