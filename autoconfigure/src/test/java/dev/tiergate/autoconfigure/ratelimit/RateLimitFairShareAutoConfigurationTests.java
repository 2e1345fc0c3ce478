package dev.tiergate.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.UUID;

import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.ratelimit.LiveInstances;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.redis.InstanceHeartbeat;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the fair shares of {@link RateLimitAutoConfiguration}: the heartbeat with
 * Redis, its switch and its validated properties.
 */
class RateLimitFairShareAutoConfigurationTests {

	private final String prefix = "fair-" + UUID.randomUUID();

	private final ApplicationContextRunner withRedis = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri(),
				"tiergate.rate-limit.key-prefix=" + this.prefix, "tiergate.redis.timeout=2s");

	@Test
	void withRedisEachInstanceAnnouncesItselfAndCountsTheOthers() {
		this.withRedis.withPropertyValues("tiergate.rate-limit.fair-share.heartbeat-interval=100ms")
			.run((first) -> this.withRedis.run((second) -> {
				assertThat(first).hasSingleBean(InstanceHeartbeat.class);
				RateLimiters limiters = first.getBean(RateLimiters.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> limiters.liveInstances() == 2);
				try (RedisProbe probe = new RedisProbe(TestRedis.shared())) {
					assertThat(probe.commands().zcard(InstanceHeartbeat.key(this.prefix))).isEqualTo(2);
				}
				second.close();
				await().atMost(Duration.ofSeconds(10))
					.alias("an instance that closes removes itself")
					.until(() -> limiters.liveInstances() == 1);
			}));
	}

	@Test
	void switchedOffNoInstanceAnnouncesItselfAndEachCountsOnlyItself() {
		this.withRedis.withPropertyValues("tiergate.rate-limit.fair-share.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(InstanceHeartbeat.class).doesNotHaveBean(LiveInstances.class);
			assertThat(context.getBean(RateLimiters.class).liveInstances()).isOne();
			try (RedisProbe probe = new RedisProbe(TestRedis.shared())) {
				assertThat(probe.exists(InstanceHeartbeat.key(this.prefix))).isFalse();
			}
		});
	}

	@Test
	void withoutRedisThereIsNoHeartbeatAndOneInstance() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(InstanceHeartbeat.class);
				assertThat(context.getBean(RateLimiters.class).liveInstances()).isOne();
			});
	}

	@Test
	void aHeartbeatIntervalBelow100msFailsStartupNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class))
			.withPropertyValues("tiergate.rate-limit.fair-share.heartbeat-interval=10ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.rate-limit.fair-share.heartbeat-interval with value ")
				.hasMessageContaining("at least 100ms"));
	}

	@Test
	void anInstanceTimeoutNotLongerThanTheIntervalFailsStartupNamingTheProperty() {
		this.withRedis
			.withPropertyValues("tiergate.rate-limit.fair-share.heartbeat-interval=5s",
					"tiergate.rate-limit.fair-share.instance-timeout=5s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property tiergate.rate-limit.fair-share.instance-timeout with value ")
				.hasMessageContaining("longer than fair-share.heartbeat-interval"));
	}

}
