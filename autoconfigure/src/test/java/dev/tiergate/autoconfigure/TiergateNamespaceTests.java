package dev.tiergate.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One namespace rule for the keys of caches and rate limits.
 */
class TiergateNamespaceTests {

	@Test
	void withNothingConfiguredBothUseTiergate() {
		assertThat(TiergateNamespace.resolve(new MockEnvironment()))
			.isEqualTo(new TiergateNamespace("tiergate", "tiergate"));
	}

	@Test
	void theApplicationNameIsTheFallbackWithoutItsBraces() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", " {shop} ");
		assertThat(TiergateNamespace.resolve(environment)).isEqualTo(new TiergateNamespace("shop", "shop"));
	}

	@Test
	void rateLimitsUseTheCachePrefixUnlessTheyHaveTheirOwn() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "shop")
			.withProperty("tiergate.cache.key-prefix", "shop-eu");
		assertThat(TiergateNamespace.resolve(environment)).isEqualTo(new TiergateNamespace("shop-eu", "shop-eu"));
		environment.setProperty("tiergate.rate-limit.key-prefix", "shop-limits");
		assertThat(TiergateNamespace.resolve(environment))
			.isEqualTo(new TiergateNamespace("shop-eu", "shop-limits"));
	}

	@Test
	void aConfiguredPrefixWithBracesOrSpacesFailsNamingItsProperty() {
		for (String property : new String[] { "tiergate.cache.key-prefix", "tiergate.rate-limit.key-prefix" }) {
			for (String invalid : new String[] { "{shop}", "my shop", " " }) {
				MockEnvironment environment = new MockEnvironment().withProperty(property, invalid);
				assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
					.isThrownBy(() -> TiergateNamespace.resolve(environment))
					.withMessageStartingWith("Property " + property + " with value ").withMessageContaining("is invalid: It must be a non-empty namespace without"
							+ " spaces or braces");
			}
		}
	}

}
