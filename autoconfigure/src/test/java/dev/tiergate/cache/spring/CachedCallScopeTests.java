package dev.tiergate.cache.spring;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CachedCallScopeTests {

	private final MissFlights flights = new MissFlights(Duration.ofMillis(1));

	@Test
	void outsideACallNoFlightIsTaken() {
		assertThat(CachedCallScope.current()).isNull();
		assertThat(this.flights.takeOrAwait("key")).isFalse();
		assertThat(CachedCallScope.open()).isSameAs(CachedCallScope.current());
		CachedCallScope.current().close(0);
		assertThat(CachedCallScope.current()).isNull();
	}

	@Test
	void nestedCallsEachEndTheFlightsTheyOwnWhenTheyClose() throws Exception {
		CachedCallScope outer = CachedCallScope.open();
		int outerMark = outer.mark();
		this.flights.takeOrAwait("outer");
		CachedCallScope inner = CachedCallScope.open();
		assertThat(inner).isSameAs(outer);
		int innerMark = inner.mark();
		this.flights.takeOrAwait("inner");
		assertThat(flownBySomeoneElse("inner")).isTrue();
		inner.close(innerMark);
		assertThat(flownBySomeoneElse("inner")).isFalse();
		assertThat(flownBySomeoneElse("outer")).isTrue();
		assertThat(CachedCallScope.current()).isSameAs(outer);
		outer.close(outerMark);
		assertThat(flownBySomeoneElse("outer")).isFalse();
		assertThat(CachedCallScope.current()).isNull();
	}

	/** Whether another thread, in a call of its own, finds the key's flight taken and waits for it. */
	private boolean flownBySomeoneElse(String key) throws Exception {
		boolean[] waited = new boolean[1];
		Thread other = new Thread(() -> {
			CachedCallScope scope = CachedCallScope.open();
			int mark = scope.mark();
			try {
				waited[0] = this.flights.takeOrAwait(key);
			}
			finally {
				scope.close(mark);
			}
		});
		other.start();
		other.join();
		return waited[0];
	}

}
