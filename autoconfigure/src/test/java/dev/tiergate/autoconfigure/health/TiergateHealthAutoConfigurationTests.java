package dev.tiergate.autoconfigure.health;

import java.time.Duration;

import dev.tiergate.actuate.TiergateEndpoint;
import dev.tiergate.actuate.TiergateEndpoint.InvalidationsDescriptor;
import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TiergateHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class, TiergateHealthAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri());

	@Test
	void reportsUpWithDetailsWhileRedisIsInUse() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TiergateHealthIndicator.class);
			var health = context.getBean(TiergateHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("redis", "UP")
				.containsEntry("cacheMode", "TIERED")
				.containsEntry("circuitBreaker", "CLOSED")
				.containsEntry("fallbackActivations", 0L)
				.containsKey("since")
				.doesNotContainKey("rateLimitMode");
		});
	}

	@Test
	void reportsTheInvalidationSubscriptionWhenCachingUsesRedis() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class))
			.withPropertyValues("tiergate.cache.key-prefix=health-subscribed")
			.run((context) -> {
				TiergateHealthIndicator indicator = context.getBean(TiergateHealthIndicator.class);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> "SUBSCRIBED".equals(indicator.health(true).getDetails().get("invalidations")));
				Health health = indicator.health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsKey("invalidationsSince")
					.doesNotContainKey("invalidationsError");
			});
	}

	@Test
	void anInstanceThatReceivesNoInvalidationsIsDegradedWithTheReasonUntilTheChannelIsGranted() {
		try (RedisProcess redis = TestRedis.startPrivate()) {
			// Without channel rights, as Redis 7 creates users (acl-pubsub-default resetchannels).
			assertThat(redis.send("ACL", "SETUSER", "deaf", "on", ">Pa55word", "~*", "+@all", "resetchannels"))
				.isEqualTo("+OK");
			RedisEndpoint endpoint = new RedisEndpoint(redis.endpoint().host(), redis.port(), "deaf", "Pa55word");
			try (ConfigurableApplicationContext context = CacheTestApplication.start(endpoint,
					WebApplicationType.NONE, "management.endpoints.web.exposure.include=health,tiergate")) {
				TiergateHealthIndicator indicator = context.getBean(TiergateHealthIndicator.class);
				TiergateEndpoint endpointBean = context.getBean(TiergateEndpoint.class);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> "NOT_SUBSCRIBED".equals(indicator.health(true).getDetails().get("invalidations")));
				Health deaf = indicator.health(true);
				assertThat(deaf.getStatus()).isEqualTo(TiergateHealthIndicator.DEGRADED);
				assertThat(deaf.getStatus().getDescription()).contains("receives no cache invalidations")
					.contains("NOPERM");
				assertThat(deaf.getDetails()).containsEntry("redis", "UP")
					.containsEntry("cacheMode", "TIERED")
					.containsEntry("circuitBreaker", "CLOSED");
				assertThat(deaf.getDetails().get("invalidationsError")).asString().contains("NOPERM");
				InvalidationsDescriptor shown = endpointBean.describe().redis().invalidations();
				assertThat(shown).isNotNull();
				assertThat(shown.state()).isEqualTo("NOT_SUBSCRIBED");
				assertThat(shown.channel()).isEqualTo("catalog-it:invalidations");
				assertThat(shown.error()).contains("NOPERM");
				// What this instance puts in L1 meanwhile may miss invalidations.
				context.getBean(Catalog.class).find(1);
				TieredCaches caches = context.getBean(TieredCaches.class);
				assertThat(caches.get("products").l1Size()).isEqualTo(1);
				assertThat(redis.send("ACL", "SETUSER", "deaf", "&catalog-it:invalidations")).isEqualTo("+OK");
				// Within the backoff: a few attempts have failed so far, the delay is still short.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> indicator.health(true).getStatus().equals(Status.UP));
				Health subscribed = indicator.health(true);
				assertThat(subscribed.getDetails()).containsEntry("invalidations", "SUBSCRIBED")
					.doesNotContainKey("invalidationsError");
				assertThat(endpointBean.describe().redis().invalidations().state()).isEqualTo("SUBSCRIBED");
				await().atMost(Duration.ofSeconds(5)).until(() -> caches.get("products").l1Size() == 0);
			}
		}
	}

	@Test
	void reportsTheRateLimitModeWhenRateLimitingIsOn() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(TiergateHealthIndicator.class).health(true).getDetails())
				.containsEntry("rateLimitMode", "DISTRIBUTED"));
	}

	@Test
	void canBeSwitchedOffLikeAnyHealthIndicator() {
		this.contextRunner.withPropertyValues("management.health.tiergate.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TiergateHealthIndicator.class));
	}

	@Test
	void isAbsentWithoutRedis() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TiergateHealthAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TiergateHealthIndicator.class));
	}

}
