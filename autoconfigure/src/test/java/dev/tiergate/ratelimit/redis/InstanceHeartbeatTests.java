package dev.tiergate.ratelimit.redis;

import java.time.Duration;
import java.util.UUID;

import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Instances announcing themselves on the shared Redis, with clocks moved by hand.
 */
class InstanceHeartbeatTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static TestGuardedRedis shared;

	private static RedisProbe probe;

	private final String namespace = "hb-" + UUID.randomUUID();

	@BeforeAll
	static void connect() {
		shared = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(2));
		probe = new RedisProbe(TestRedis.shared());
	}

	@AfterAll
	static void disconnect() {
		shared.close();
		probe.close();
	}

	@Test
	void beforeItsFirstBeatAnInstanceCountsOnlyItself() {
		InstanceHeartbeat heartbeat = heartbeat(new MovableClock());
		assertThat(heartbeat.count()).isOne();
		assertThat(probe.exists(InstanceHeartbeat.key(this.namespace))).isFalse();
	}

	@Test
	void eachBeatCountsTheInstancesThatBeatWithinTheTimeout() {
		MovableClock clock = new MovableClock();
		InstanceHeartbeat first = heartbeat(clock);
		InstanceHeartbeat second = heartbeat(clock);
		InstanceHeartbeat third = heartbeat(clock);
		assertThat(first.beat()).isOne();
		assertThat(second.beat()).isEqualTo(2);
		assertThat(third.beat()).isEqualTo(3);
		assertThat(first.beat()).isEqualTo(3);
		assertThat(first.count()).isEqualTo(3);
		clock.advance(TIMEOUT);
		assertThat(first.beat()).as("the others' beats are exactly the timeout old: still alive").isEqualTo(3);
		second.beat();
		clock.advance(Duration.ofMillis(1));
		assertThat(first.beat()).as("the third has not beaten for longer than the timeout").isEqualTo(2);
		assertThat(probe.commands().zcard(InstanceHeartbeat.key(this.namespace))).as("its member is dropped")
			.isEqualTo(2);
		assertThat(third.count()).as("until it beats again, an instance keeps its last count").isEqualTo(3);
		assertThat(third.beat()).isEqualTo(3);
	}

	@Test
	void theKeyIsNamespacedAndExpiresTwoTimeoutsAfterTheLastBeat() {
		InstanceHeartbeat heartbeat = heartbeat(new MovableClock());
		heartbeat.beat();
		String key = InstanceHeartbeat.key(this.namespace);
		assertThat(key).isEqualTo(this.namespace + ":rl:instances");
		assertThat(probe.pttl(key)).isBetween(TIMEOUT.toMillis(), 2 * TIMEOUT.toMillis());
	}

	@Test
	void closingRemovesTheInstanceSoTheOthersCountItOutAtTheirNextBeat() {
		MovableClock clock = new MovableClock();
		InstanceHeartbeat staying = heartbeat(clock);
		InstanceHeartbeat leaving = heartbeat(clock);
		staying.beat();
		leaving.beat();
		assertThat(staying.beat()).isEqualTo(2);
		leaving.close();
		assertThat(staying.beat()).isOne();
	}

	@Test
	void startedItBeatsOnItsOwnEveryInterval() {
		MovableClock clock = new MovableClock();
		InstanceHeartbeat other = heartbeat(clock);
		other.beat();
		try (InstanceHeartbeat started = heartbeat(clock).start(Duration.ofMillis(50))) {
			await().atMost(Duration.ofSeconds(5)).until(() -> started.count() == 2);
			assertThat(other.beat()).isEqualTo(2);
			clock.advance(TIMEOUT.plusMillis(1));
			await().atMost(Duration.ofSeconds(5))
				.alias("the other stopped beating; the started one keeps itself alive")
				.until(() -> started.count() == 1);
		}
	}

	@Test
	void anIntervalNotShorterThanTheTimeoutIsRefused() {
		try (InstanceHeartbeat heartbeat = heartbeat(new MovableClock())) {
			assertThatIllegalArgumentException().isThrownBy(() -> heartbeat.start(TIMEOUT))
				.withMessageContaining("shorter than the instance timeout");
		}
	}

	private InstanceHeartbeat heartbeat(MovableClock clock) {
		return new InstanceHeartbeat(shared.redis(), this.namespace, TIMEOUT, clock);
	}

}
