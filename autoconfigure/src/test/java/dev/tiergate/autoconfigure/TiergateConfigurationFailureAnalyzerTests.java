package dev.tiergate.autoconfigure;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
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
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

class TiergateConfigurationFailureAnalyzerTests {

	@Test
	void explainsWhichMethodIsWrongWhyAndHowToFixIt() {
		TiergateConfigurationException cause = new TiergateConfigurationException("method ProductService.find(long)",
				"has @TieredCacheable naming no cache", "Set the annotation's value to a cache name.");
		FailureAnalysis analysis = new TiergateConfigurationFailureAnalyzer()
			.analyze(new BeanCreationException("productService", "failed", cause));
		assertThat(analysis.getDescription()).isEqualTo(
				"tiergate is configured wrongly. The method ProductService.find(long) has @TieredCacheable naming no cache.");
		assertThat(analysis.getAction()).isEqualTo("Set the annotation's value to a cache name.");
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
				FailureAnalysis analysis = analyzeAsBootDoes(context.getStartupFailure(), environment.get());
				// Boot's analysis of an invalid property value: the value, the property, the file and line.
				assertThat(analysis.getDescription())
					.startsWith("Invalid value '-5s' for configuration property 'tiergate.cache.defaults.l1.ttl'"
							+ " (originating from 'class path resource [dev/tiergate/autoconfigure/invalid-cache.yml]")
					.contains(" - 5:14')")
					.contains("It must be positive but was PT-5S. Set tiergate.cache.defaults.l1.ttl to a valid value");
			});
	}

	/** The first analysis of the analyzers Boot registers, created as Boot creates them. */
	private static FailureAnalysis analyzeAsBootDoes(Throwable failure, ConfigurableEnvironment environment) {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, environment),
					FailureHandler.handleMessage((message, ex) -> {
					}));
		return analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow();
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
