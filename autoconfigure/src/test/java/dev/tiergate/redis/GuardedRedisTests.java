package dev.tiergate.redis;

import java.time.Clock;
import java.time.Duration;

import dev.tiergate.InvalidSettingException;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The circuit breaker around tiergate's Redis commands: its settings, and how its state
 * drives the {@link RedisHealthState}.
 */
class GuardedRedisTests {

	private RedisClient client;

	private RedisConnector connector;

	private RedisHealthState state;

	private GuardedRedis redis;

	@BeforeEach
	void connect() {
		this.client = RedisClient.create(TestRedis.shared().uri());
		this.connector = new RedisConnector(this.client, Duration.ofSeconds(2), Duration.ofMillis(100));
		this.state = new RedisHealthState(Clock.systemUTC());
		this.redis = new GuardedRedis(this.connector, this.state,
				BreakerSettings.builder().waitInOpenState(Duration.ofMillis(100)).build());
		this.connector.awaitConnection(Duration.ofSeconds(5));
	}

	@AfterEach
	void close() {
		this.redis.close();
		this.connector.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	@Test
	void theBuilderStartsFromTheDefaults() {
		BreakerSettings defaults = BreakerSettings.builder().build();
		assertThat(defaults).isEqualTo(BreakerSettings.DEFAULTS);
		assertThat(defaults.failureRateThreshold()).isEqualTo(BreakerSettings.DEFAULT_FAILURE_RATE_THRESHOLD);
		assertThat(defaults.slidingWindowSize()).isEqualTo(BreakerSettings.DEFAULT_SLIDING_WINDOW_SIZE);
		assertThat(defaults.waitInOpenState()).isEqualTo(BreakerSettings.DEFAULT_WAIT_IN_OPEN_STATE);
	}

	@Test
	void settingsOutOfRangeAreRejectedNamingTheSetting() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> BreakerSettings.builder().failureRateThreshold(0).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("failureRateThreshold"))
			.withMessage("failureRateThreshold must be a percentage above 0 and at most 100 but was 0.0");
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> BreakerSettings.builder().slowCallRateThreshold(101).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("slowCallRateThreshold"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> BreakerSettings.builder().slowCallDurationThreshold(Duration.ofNanos(10)).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("slowCallDurationThreshold"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> BreakerSettings.builder().slidingWindowSize(0).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("slidingWindowSize"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> BreakerSettings.builder().minimumNumberOfCalls(0).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("minimumNumberOfCalls"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> BreakerSettings.builder().waitInOpenState(Duration.ZERO).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("waitInOpenState"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> BreakerSettings.builder().permittedCallsInHalfOpenState(0).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("permittedCallsInHalfOpenState"));
	}

	@Test
	void whileTheBreakerIsClosedCommandsReachRedis() {
		assertThat(ping()).isEqualTo("PONG");
		assertThat(this.redis.isAvailable()).isTrue();
		assertThat(this.state.isFallback()).isFalse();
	}

	@Test
	void anOpenBreakerFailsFastAndPutsTheStateInFallback() {
		this.redis.breaker().transitionToOpenState();
		assertThat(this.state.isFallback()).isTrue();
		assertThat(this.state.fallbackActivations()).isEqualTo(1);
		assertThat(this.redis.isAvailable()).isFalse();
		assertThatExceptionOfType(RedisUnavailableException.class)
			.isThrownBy(this::ping)
			.withMessageContaining("circuit breaker is open");
	}

	@Test
	void theProbeClosesTheBreakerWhenRedisAnswersAndTheStateRecovers() {
		this.redis.breaker().transitionToOpenState();
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.state.isFallback());
		assertThat(this.redis.isAvailable()).isTrue();
		assertThat(ping()).isEqualTo("PONG");
	}

	@Test
	void anAsynchronousCallAnswersAndCountsInTheBreakerAsABlockingOneDoes() {
		assertThat(this.redis.callAsync((commands) -> commands.ping())).succeedsWithin(Duration.ofSeconds(5))
			.isEqualTo("PONG");
		assertThat(this.redis.breaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		this.redis.breaker().transitionToOpenState();
		assertThat(this.redis.callAsync((commands) -> commands.ping())).failsWithin(Duration.ofSeconds(1))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(RedisUnavailableException.class)
			.withMessageContaining("circuit breaker is open");
	}

	@Test
	void anAsynchronousReplyThatClosesTheBreakerRunsTheRecoveryOffLettucesThread() {
		java.util.Set<String> recoveredOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
		this.state.onRecovery(() -> recoveredOn.add(Thread.currentThread().getName()));
		this.redis.breaker().transitionToOpenState();
		this.redis.breaker().transitionToHalfOpenState();
		for (int i = 0; i < BreakerSettings.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE; i++) {
			this.redis.callAsync((commands) -> commands.ping());
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.state.isFallback());
		assertThat(recoveredOn).containsExactly("tiergate-redis-probe");
	}

	@Test
	void anAsynchronousCallWithoutAReplyWithinTheTimeoutFailsAndCountsInTheBreaker() {
		try (RedisConnector shortTimeout = new RedisConnector(this.client, Duration.ofMillis(200), Duration.ofMillis(100));
				GuardedRedis guarded = new GuardedRedis(shortTimeout, new RedisHealthState(Clock.systemUTC()),
						BreakerSettings.DEFAULTS)) {
			shortTimeout.awaitConnection(Duration.ofSeconds(5));
			byte[] empty = ("guarded-timeout-" + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
			// Redis holds the reply of a BLPOP on an empty list for 30 s: only the timeout can end the call.
			java.util.concurrent.CompletableFuture<?> blocked = guarded
				.callAsync((commands) -> commands.blpop(30, empty));
			assertThat(blocked).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.havingCause()
				.isInstanceOf(RedisUnavailableException.class)
				.withMessageContaining("TimeoutException");
			assertThat(guarded.breaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		}
	}

	@Test
	void afterCloseAnAsynchronousCallFailsAtOnce() {
		this.redis.close();
		assertThat(this.redis.callAsync((commands) -> commands.ping())).isCompletedExceptionally();
	}

	private String ping() {
		return this.redis.call((commands) -> commands.ping());
	}

}
