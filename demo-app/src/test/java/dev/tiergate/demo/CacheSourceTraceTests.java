package dev.tiergate.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheSourceTrace}.
 */
class CacheSourceTraceTests {

	private final CacheSourceTrace trace = new CacheSourceTrace();

	@Test
	void aLookupThatReachesNothingIsAnL1Hit() {
		CacheSourceTrace.Traced<String> traced = this.trace.trace(() -> "value");
		assertThat(traced.value()).isEqualTo("value");
		assertThat(traced.source()).isEqualTo(CacheSource.L1);
	}

	@Test
	void theFarthestSourceReachedWins() {
		CacheSourceTrace.Traced<String> traced = this.trace.trace(() -> {
			// An L2 entry that could not serve (undecodable, stale), then the backend.
			this.trace.reached(CacheSource.L2);
			this.trace.reached(CacheSource.BACKEND);
			this.trace.reached(CacheSource.L2);
			return "value";
		});
		assertThat(traced.source()).isEqualTo(CacheSource.BACKEND);
	}

	@Test
	void reportsOutsideALookupOrAfterItAreIgnored() {
		this.trace.reached(CacheSource.BACKEND);
		assertThat(this.trace.trace(() -> "value").source()).isEqualTo(CacheSource.L1);
		assertThat(this.trace.trace(() -> {
			this.trace.reached(CacheSource.L2);
			return "value";
		}).source()).isEqualTo(CacheSource.L2);
		assertThat(this.trace.trace(() -> "value").source()).isEqualTo(CacheSource.L1);
	}

}
