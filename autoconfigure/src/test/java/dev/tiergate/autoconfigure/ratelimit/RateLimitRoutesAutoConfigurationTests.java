package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.web.RateLimitResponseHeaders;
import dev.tiergate.ratelimit.web.RateLimitRouteFilter;
import dev.tiergate.ratelimit.web.RateLimitRouteWebFilter;
import dev.tiergate.ratelimit.web.RateLimitWebFilter;
import dev.tiergate.ratelimit.web.ReactiveClientKeyResolvers;
import dev.tiergate.ratelimit.web.ReactiveRateLimitResponseHeaders;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the routes, shadow mode and unit settings of {@link RateLimitAutoConfiguration},
 * without Redis: what is wired, and the startup failures that name the property.
 */
class RateLimitRoutesAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner reactiveRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class));

	@Test
	void withoutRoutesThereIsNoFilter() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RateLimitRouteFilter.class));
	}

	@Test
	void aRouteAddsTheFilterOrderedAfterSpringSecurity() {
		this.runner
			.withPropertyValues("tiergate.rate-limit.routes[0].path=/api/llm/**",
					"tiergate.rate-limit.routes[0].methods=post", "tiergate.rate-limit.routes[0].tier=chat")
			.run((context) -> {
				assertThat(context).hasSingleBean(RateLimitRouteFilter.class);
				assertThat(context.getBean(RateLimitRouteFilter.class).getOrder()).isEqualTo(-90).isGreaterThan(-100);
			});
	}

	@Test
	void aRouteNamingNoTierFailsNamingTheProperty() {
		failsNaming("tiergate.rate-limit.routes[0].tier", "tiergate.rate-limit.routes[0].path=/a",
				"tiergate.rate-limit.routes[0].tier=nope");
		failsNaming("tiergate.rate-limit.routes[1].tier", "tiergate.rate-limit.routes[0].path=/a",
				"tiergate.rate-limit.routes[0].tier=chat", "tiergate.rate-limit.routes[1].path=/b");
	}

	@Test
	void anInvalidPathPatternFailsNamingTheProperty() {
		failsNaming("tiergate.rate-limit.routes[0].path", "tiergate.rate-limit.routes[0].path=/api/{id",
				"tiergate.rate-limit.routes[0].tier=chat");
		failsNaming("tiergate.rate-limit.routes[0].path", "tiergate.rate-limit.routes[0].tier=chat");
	}

	@Test
	void anUnknownHttpMethodFailsNamingTheProperty() {
		failsNaming("tiergate.rate-limit.routes[0].methods[1]", "tiergate.rate-limit.routes[0].path=/a",
				"tiergate.rate-limit.routes[0].methods=GET,FETCH", "tiergate.rate-limit.routes[0].tier=chat");
	}

	@Test
	void aCostBeyondTheTiersCapacityOrAnUnknownKeyResolverFailsNamingTheProperty() {
		failsNaming("tiergate.rate-limit.routes[0].cost", "tiergate.rate-limit.routes[0].path=/a",
				"tiergate.rate-limit.routes[0].tier=chat", "tiergate.rate-limit.routes[0].cost=6");
		failsNaming("tiergate.rate-limit.routes[0].key-resolver", "tiergate.rate-limit.routes[0].path=/a",
				"tiergate.rate-limit.routes[0].tier=chat", "tiergate.rate-limit.routes[0].key-resolver=cookie");
	}

	@Test
	void aTierIsEnforcedInRequestsUnlessConfiguredOtherwise() {
		this.runner
			.withPropertyValues("tiergate.rate-limit.tiers.chat.capacity=5",
					"tiergate.rate-limit.tiers.chat.refill-tokens=1", "tiergate.rate-limit.tiers.chat.refill-period=10s",
					"tiergate.rate-limit.tiers.chat.mode=shadow", "tiergate.rate-limit.tiers.chat.unit=content-bytes")
			.run((context) -> {
				RateLimiters limiters = context.getBean(RateLimiters.class);
				assertThat(limiters.get("chat").tier().mode()).isEqualTo(RateLimitTier.Mode.SHADOW);
				assertThat(limiters.get("chat").tier().unit()).isEqualTo("content-bytes");
				assertThat(limiters.get("content").tier().mode()).isEqualTo(RateLimitTier.Mode.ENFORCE);
				assertThat(limiters.get("content").tier().unit()).isEqualTo("requests");
			});
	}

	@Test
	void aUnitThatIsNoLowerCaseNameFailsNamingTheProperty() {
		failsNaming("tiergate.rate-limit.tiers.chat.unit", "tiergate.rate-limit.tiers.chat.capacity=5",
				"tiergate.rate-limit.tiers.chat.refill-tokens=1", "tiergate.rate-limit.tiers.chat.refill-period=10s",
				"tiergate.rate-limit.tiers.chat.unit=Bytes");
	}

	@Test
	void aReactiveApplicationGetsTheWebFiltersAndNoServletFilter() {
		this.reactiveRunner
			.withPropertyValues("tiergate.rate-limit.routes[0].path=/api/llm/**", "tiergate.rate-limit.routes[0].tier=chat")
			.run((context) -> {
				assertThat(context).hasSingleBean(RateLimitWebFilter.class)
					.hasSingleBean(RateLimitRouteWebFilter.class)
					.hasSingleBean(ReactiveClientKeyResolvers.class)
					.hasSingleBean(ReactiveRateLimitResponseHeaders.class)
					.doesNotHaveBean(RateLimitRouteFilter.class)
					.doesNotHaveBean(RateLimitResponseHeaders.class);
				assertThat(context.getBean(RateLimitWebFilter.class).getOrder()).isGreaterThan(-100);
				assertThat(context.getBean(RateLimitRouteWebFilter.class).getOrder())
					.isGreaterThan(context.getBean(RateLimitWebFilter.class).getOrder());
			});
		this.reactiveRunner.run((context) -> assertThat(context).hasSingleBean(RateLimitWebFilter.class)
			.doesNotHaveBean(RateLimitRouteWebFilter.class));
	}

	@Test
	void invalidTrustedProxiesOfAReactiveApplicationFailNamingTheProperty() {
		this.reactiveRunner.withPropertyValues("tiergate.rate-limit.trusted-proxies=10.0.0.0/99")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.rate-limit.trusted-proxies with value "));
	}

	private void failsNaming(String property, String... properties) {
		this.runner.withPropertyValues(properties)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property " + property + " with value "));
	}

}
