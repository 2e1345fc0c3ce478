package dev.tiergate.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The deadlines of asynchronous Redis calls, driven by hand: {@link AsyncTimeouts#expireDue}
 * is what its thread calls each time it wakes.
 */
class AsyncTimeoutsTests {

	private static final long TIMEOUT_NANOS = Duration.ofMillis(50).toNanos();

	private final AsyncTimeouts timeouts = new AsyncTimeouts(Duration.ofNanos(TIMEOUT_NANOS));

	private final List<String> expired = new ArrayList<>();

	@Test
	void aCallStillWaitingAtItsDeadlineExpiresAndTheOnesAfterItWait() {
		Call first = add("first", 1_000);
		Call second = add("second", 2_000);
		assertThat(this.timeouts.expireDue(999)).as("sleeps until the first deadline").isEqualTo(1);
		assertThat(this.expired).isEmpty();
		assertThat(this.timeouts.expireDue(1_000)).as("then until the second").isEqualTo(1_000);
		assertThat(this.expired).containsExactly("first");
		assertThat(first.settled).isTrue();
		assertThat(second.settled).isFalse();
		assertThat(this.timeouts.expireDue(5_000)).as("nothing queued: the longest sleep").isEqualTo(TIMEOUT_NANOS);
		assertThat(this.expired).containsExactly("first", "second");
		assertThat(this.timeouts.isEmpty()).isTrue();
	}

	@Test
	void answeredCallsLeaveTheQueueWithoutExpiring() {
		add("answered", 1_000).settled = true;
		Call waiting = add("waiting", 3_000);
		add("answered later", 4_000).settled = true;
		assertThat(this.timeouts.expireDue(500)).isEqualTo(2_500);
		assertThat(this.expired).isEmpty();
		waiting.settled = true;
		assertThat(this.timeouts.expireDue(600)).isEqualTo(TIMEOUT_NANOS);
		assertThat(this.expired).isEmpty();
		assertThat(this.timeouts.isEmpty()).isTrue();
	}

	@Test
	void theSleepIsNeverLongerThanTheTimeoutSoACallAddedMeanwhileIsNotMissed() {
		assertThat(this.timeouts.expireDue(0)).isEqualTo(TIMEOUT_NANOS);
		add("late", TIMEOUT_NANOS + 10);
		assertThat(this.timeouts.expireDue(TIMEOUT_NANOS)).isEqualTo(10);
		assertThat(this.timeouts.expireDue(TIMEOUT_NANOS + 10)).isEqualTo(TIMEOUT_NANOS);
		assertThat(this.expired).containsExactly("late");
	}

	@Test
	void theSleepIsCappedForLongTimeoutsSoAnsweredCallsDoNotStayQueued() {
		AsyncTimeouts longTimeouts = new AsyncTimeouts(Duration.ofSeconds(30));
		longTimeouts.add(new Call("long", Duration.ofSeconds(30).toNanos()));
		assertThat(longTimeouts.expireDue(0)).isEqualTo(Duration.ofMillis(100).toNanos());
	}

	@Test
	void theThreadEndsOnceClosedAndNothingIsLeft() {
		AsyncTimeouts running = AsyncTimeouts.start(Duration.ofMillis(50), "test-timeouts");
		assertThat(running.isRunning()).isTrue();
		running.close();
		assertThat(running.isClosed()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> !running.isRunning());
	}

	private Call add(String name, long deadline) {
		Call call = new Call(name, deadline);
		this.timeouts.add(call);
		return call;
	}

	private final class Call extends AsyncTimeouts.Entry {

		private final String name;

		private volatile boolean settled;

		Call(String name, long deadline) {
			super(deadline);
			this.name = name;
		}

		@Override
		boolean isSettled() {
			return this.settled;
		}

		@Override
		void expire() {
			this.settled = true;
			AsyncTimeoutsTests.this.expired.add(this.name);
		}

	}

}
