package dev.tiergate.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class named in tiergate's registration files exists, so a moved class cannot
 * leave a dangling entry behind.
 */
class RegistrationTests {

	@Test
	void everyRegisteredAutoConfigurationLoadsAndIsAnAutoConfiguration() throws Exception {
		List<String> names = lines("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
		assertThat(names).isNotEmpty();
		for (String name : names) {
			assertThat(Class.forName(name)).hasAnnotation(AutoConfiguration.class);
		}
	}

	@Test
	void everyAutoConfigurationOfTheWebSlicesIsARegisteredAutoConfiguration() throws Exception {
		List<String> registered = lines("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
		List<String> mvc = lines(
				"META-INF/spring/org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureWebMvc.imports");
		List<String> webFlux = lines(
				"META-INF/spring/org.springframework.boot.webflux.test.autoconfigure.AutoConfigureWebFlux.imports");
		assertThat(mvc).isNotEmpty();
		assertThat(registered).containsAll(mvc);
		assertThat(webFlux).as("the same in both slices").isEqualTo(mvc);
	}

	@Test
	void everyRegisteredAutoConfigurationHasProcessorMetadata() throws Exception {
		// Written by spring-boot-autoconfigure-processor: Boot reads the conditions from it
		// before it loads an auto-configuration's class.
		Properties metadata = new Properties();
		try (InputStream in = new ClassPathResource("META-INF/spring-autoconfigure-metadata.properties")
			.getInputStream()) {
			metadata.load(in);
		}
		for (String name : lines("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
			assertThat(metadata).containsKey(name);
			assertThat(metadata).containsKey(name + ".ConditionalOnClass");
		}
	}

	@Test
	void everyClassInSpringFactoriesLoads() throws Exception {
		Properties factories = new Properties();
		try (InputStream in = new ClassPathResource("META-INF/spring.factories").getInputStream()) {
			factories.load(in);
		}
		assertThat(factories).isNotEmpty();
		for (String key : factories.stringPropertyNames()) {
			Class<?> type = Class.forName(key);
			for (String name : StringUtils.commaDelimitedListToStringArray(factories.getProperty(key))) {
				assertThat(type).isAssignableFrom(Class.forName(name.strip()));
			}
		}
	}

	private static List<String> lines(String resource) throws IOException {
		String content = new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
		return Arrays.stream(content.split("\n")).map(String::strip).filter((line) -> !line.isEmpty()
				&& !line.startsWith("#")).toList();
	}

}
