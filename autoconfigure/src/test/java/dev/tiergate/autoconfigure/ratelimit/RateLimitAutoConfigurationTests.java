package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.cache.TieredCacheProperties;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ClientKeyResolvers;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.interceptor.RateLimitAdvisor;
import dev.tiergate.ratelimit.web.ForwardedHeader;
import io.github.bucket4j.Bucket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RateLimitAutoConfiguration}, without Redis.
 */
class RateLimitAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class));

	@Test
	void withoutRedisTheDefaultTiersRunInThisJvm() {
		this.runner.run((context) -> {
			RateLimiters limiters = context.getBean(RateLimiters.class);
			assertThat(limiters.isDistributed()).isFalse();
			assertThat(limiters.all()).extracting((limiter) -> limiter.tier().name())
				.containsExactly("chat", "content", "admin");
			assertThat(limiters.get("chat").tier().limits().get(0).capacity()).isEqualTo(5);
			assertThat(context).doesNotHaveBean(RateLimitExceptionHandler.class);
		});
	}

	@Test
	void theAdviceRunsOutsideTheCacheByDefaultAndItsOrderIsConfigurable() {
		this.runner.run((context) -> assertThat(context.getBean(RateLimitAdvisor.class).getOrder())
			.isEqualTo(TieredCacheProperties.DEFAULT_ORDER - 100)
			.isEqualTo(Ordered.LOWEST_PRECEDENCE - 200));
		this.runner.withPropertyValues("tiergate.rate-limit.order=5")
			.run((context) -> assertThat(context.getBean(RateLimitAdvisor.class).getOrder()).isEqualTo(5));
	}

	@Test
	void aTierWithExtraLimitsAndItsOwnSettingsIsBound() {
		this.runner
			.withPropertyValues("tiergate.rate-limit.tiers.search.capacity=20",
					"tiergate.rate-limit.tiers.search.refill-tokens=2", "tiergate.rate-limit.tiers.search.refill-period=1s",
					"tiergate.rate-limit.tiers.search.extra-limits[0].capacity=1000",
					"tiergate.rate-limit.tiers.search.extra-limits[0].refill-tokens=1000",
					"tiergate.rate-limit.tiers.search.extra-limits[0].refill-period=1h",
					"tiergate.rate-limit.tiers.search.on-redis-failure=deny",
					"tiergate.rate-limit.tiers.search.key-resolver=header:X-Api-Key")
			.run((context) -> {
				var tier = context.getBean(RateLimiters.class).get("search").tier();
				assertThat(tier.limits()).hasSize(2);
				assertThat(tier.onRedisFailure()).hasToString("DENY");
				assertThat(context.getBean(RateLimiters.class).find("chat")).isNotNull();
			});
	}

	@Test
	void aTierYouConfigureReplacesTheDefaultOfThatNameWhole() {
		this.runner.withPropertyValues("tiergate.rate-limit.tiers.chat.capacity=10")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tiergate.rate-limit.tiers.chat.refill-tokens"));
	}

	@Test
	void aNonPositiveCapacityFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("tiergate.rate-limit.tiers.chat.capacity=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.rate-limit.tiers.chat.capacity with value ")
				.hasMessageContaining("must be positive"));
	}

	@Test
	void aRefillPeriodTooLongToCountInNanosecondsFailsStartupNamingTheProperty() {
		// Found by RateLimitPropertiesFuzzTests: 300,000 years do not fit a long of nanoseconds.
		this.runner.withPropertyValues("tiergate.rate-limit.tiers.slow.capacity=1",
				"tiergate.rate-limit.tiers.slow.refill-tokens=1", "tiergate.rate-limit.tiers.slow.refill-period=100000000d")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.rate-limit.tiers.slow.refill-period with value "));
	}

	@Test
	void aMissingRefillPeriodAndAnUnknownKeyResolverFailStartupNamingTheProperty() {
		this.runner.withPropertyValues("tiergate.rate-limit.tiers.new.capacity=3",
				"tiergate.rate-limit.tiers.new.refill-tokens=1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tiergate.rate-limit.tiers.new.refill-period"));
		this.runner.withPropertyValues("tiergate.rate-limit.key-resolver=cookie")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tiergate.rate-limit.key-resolver"));
	}

	@Test
	void anAnnotationNamingAnUnknownTierFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(UnknownTierConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TiergateConfigurationException.class)
				.hasMessageContaining("Assistant.answer(String)")
				.hasMessageContaining("no rate-limit tier 'premium'")
				.satisfies((ex) -> assertThat(((TiergateConfigurationException) ex).getAction())
					.contains("tiergate.rate-limit.tiers.premium")));
	}

	@Test
	void aCostAboveTheCapacityFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(TooExpensiveConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TiergateConfigurationException.class)
				.hasMessageContaining("Expensive.call()")
				.hasMessageContaining("costs 6 token(s)"));
	}

	@Test
	void inAServletApplicationThe429AnswerIsRegistered() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.withPropertyValues("tiergate.rate-limit.trusted-proxies=10.0.0.0/8,::1")
			.run((context) -> assertThat(context).hasSingleBean(RateLimitExceptionHandler.class));
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.withPropertyValues("tiergate.rate-limit.trusted-proxies=10.0.0.0/99")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tiergate.rate-limit.trusted-proxies"));
	}

	@Test
	void theForwardingHeadersTheProxiesWriteAndTheIpv6PrefixAreConfigurable() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.withPropertyValues("tiergate.rate-limit.trusted-proxies=10.0.0.0/8",
					"tiergate.rate-limit.forwarded-headers=x-real-ip,forwarded", "tiergate.rate-limit.ipv6-prefix-length=48")
			.run((context) -> {
				ClientKeyResolver ip = context.getBean(ClientKeyResolvers.class).forSpec("ip");
				MockHttpServletRequest request = new MockHttpServletRequest();
				request.setRemoteAddr("10.0.0.2");
				request.addHeader("X-Forwarded-For", "198.51.100.1");
				request.addHeader("Forwarded", "for=\"[2001:db8:1:2::3]:443\"");
				RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
				try {
					assertThat(ip.resolve()).isEqualTo("ip:2001:db8:1:0:0:0:0:0/48");
					request.addHeader("X-Real-IP", "198.51.100.2");
					assertThat(ip.resolve()).isEqualTo("ip:198.51.100.2");
				}
				finally {
					RequestContextHolder.resetRequestAttributes();
				}
			});
	}

	@Test
	void byDefaultOnlyXForwardedForIsBelievedAndIpv6ClientsAreKeyedByTheirSlash64() {
		RateLimitProperties properties = new RateLimitProperties();
		assertThat(properties.getForwardedHeaders()).containsExactly(ForwardedHeader.X_FORWARDED_FOR);
		assertThat(properties.getIpv6PrefixLength()).isEqualTo(64);
	}

	@Test
	void anIpv6PrefixLengthOutOfRangeOrNoForwardingHeaderFailsStartupNamingTheProperty() {
		for (String length : new String[] { "0", "129", "-1" }) {
			this.runner.withPropertyValues("tiergate.rate-limit.ipv6-prefix-length=" + length)
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.hasMessageContaining("tiergate.rate-limit.ipv6-prefix-length")
					.hasMessageContaining("between 1 and 128"));
		}
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.withPropertyValues("tiergate.rate-limit.ipv6-prefix-length=200")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tiergate.rate-limit.ipv6-prefix-length"));
		this.runner.withPropertyValues("tiergate.rate-limit.forwarded-headers=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("tiergate.rate-limit.forwarded-headers"));
		this.runner.withPropertyValues("tiergate.rate-limit.forwarded-headers=x-client-ip")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("tiergate.rate-limit.forwarded-headers"));
	}

	@Test
	void switchedOffOrWithoutBucket4jNothingIsConfigured() {
		this.runner.withPropertyValues("tiergate.rate-limit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimiters.class));
		this.runner.withClassLoader(new FilteredClassLoader(Bucket.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimiters.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownTierConfiguration {

		@Bean
		Assistant assistant() {
			return new Assistant();
		}

	}

	static class Assistant {

		@RateLimited("premium")
		public String answer(String question) {
			return question;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TooExpensiveConfiguration {

		@Bean
		Expensive expensive() {
			return new Expensive();
		}

	}

	static class Expensive {

		@RateLimited(value = "chat", cost = 6)
		public void call() {
		}

	}

}
