package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.PlanResolver;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans of rate-limit tiers, as {@link RateLimitAutoConfiguration} binds, checks and
 * wires them, without Redis.
 */
class RateLimitPlansAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
		.withPropertyValues("tiergate.rate-limit.tiers.chat.capacity=5", "tiergate.rate-limit.tiers.chat.refill-tokens=1",
				"tiergate.rate-limit.tiers.chat.refill-period=10s", "tiergate.rate-limit.tiers.chat.plans.pro.capacity=50",
				"tiergate.rate-limit.tiers.chat.plans.pro.refill-tokens=10",
				"tiergate.rate-limit.tiers.chat.plans.pro.refill-period=10s",
				"tiergate.rate-limit.tiers.chat.plans.pro.extra-limits[0].capacity=1000",
				"tiergate.rate-limit.tiers.chat.plans.pro.extra-limits[0].refill-tokens=1000",
				"tiergate.rate-limit.tiers.chat.plans.pro.extra-limits[0].refill-period=1d");

	@Test
	void thePlanResolverBeanChoosesAmongTheConfiguredPlans() {
		this.runner.withBean(PlanResolver.class, () -> (tier, client) -> client.equals("user:paying") ? "pro" : null)
			.run((context) -> {
				TierRateLimiter chat = context.getBean(RateLimiters.class).get("chat");
				assertThat(chat.plans()).containsOnlyKeys("pro");
				assertThat(chat.plans().get("pro").limits()).hasSize(2);
				assertThat(chat.check("user:paying", 1).capacity()).isEqualTo(50);
				assertThat(chat.check("user:free", 1).capacity()).isEqualTo(5);
			});
	}

	@Test
	void withoutAPlanResolverEveryCallHasTheTiersOwnLimits() {
		this.runner.run((context) -> assertThat(
				context.getBean(RateLimiters.class).get("chat").check("user:paying", 1).capacity())
			.isEqualTo(5));
	}

	@Test
	void anInvalidPlanLimitFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("tiergate.rate-limit.tiers.chat.plans.pro.extra-limits[0].refill-tokens=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith(
						"Property tiergate.rate-limit.tiers.chat.plans.pro.extra-limits[0].refill-tokens with value ")
				.hasMessageContaining("must be positive"));
		this.runner.withPropertyValues("tiergate.rate-limit.tiers.chat.plans.trial.capacity=3")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("tiergate.rate-limit.tiers.chat.plans.trial.refill-tokens"));
	}

	@Test
	void aPlanNameThatCannotBePartOfAKeyFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("tiergate.rate-limit.tiers.chat.plans[pro plan].capacity=3",
					"tiergate.rate-limit.tiers.chat.plans[pro plan].refill-tokens=1",
					"tiergate.rate-limit.tiers.chat.plans[pro plan].refill-period=1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("is not a valid plan name"));
	}

}
