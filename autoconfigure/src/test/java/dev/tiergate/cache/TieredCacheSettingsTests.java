package dev.tiergate.cache;

import java.time.Duration;

import dev.tiergate.cache.TieredCacheSettings.InvalidCacheSettingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TieredCacheSettingsTests {

	@Test
	void validSettingsAreKept() {
		TieredCacheSettings settings = settings(Duration.ofSeconds(30), 1000, Duration.ofHours(1), 0.1);
		assertThat(settings.l1Ttl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.withName("other").name()).isEqualTo("other");
	}

	@Test
	void negativeL1TtlIsRejectedNamingTheSetting() {
		assertThatExceptionOfType(InvalidCacheSettingException.class)
			.isThrownBy(() -> settings(Duration.ofSeconds(-5), 1000, Duration.ofHours(1), 0.1))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("l1.ttl"))
			.withMessage("l1.ttl must be positive but was PT-5S");
	}

	@Test
	void zeroSizeIsRejected() {
		assertThatExceptionOfType(InvalidCacheSettingException.class)
			.isThrownBy(() -> settings(Duration.ofSeconds(5), 0, Duration.ofHours(1), 0.1))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("l1.max-size"));
	}

	@Test
	void subMillisecondL2TtlIsRejected() {
		assertThatExceptionOfType(InvalidCacheSettingException.class)
			.isThrownBy(() -> settings(Duration.ofSeconds(5), 1, Duration.ofNanos(10), 0.1))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("l2.ttl"));
	}

	@Test
	void jitterOutsideZeroToOneIsRejected() {
		assertThatExceptionOfType(InvalidCacheSettingException.class)
			.isThrownBy(() -> settings(Duration.ofSeconds(5), 1, Duration.ofHours(1), 1.0))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("l2.ttl-jitter"));
		assertThatExceptionOfType(InvalidCacheSettingException.class)
			.isThrownBy(() -> settings(Duration.ofSeconds(5), 1, Duration.ofHours(1), -0.1));
	}

	private static TieredCacheSettings settings(Duration l1Ttl, long l1MaxSize, Duration l2Ttl, double jitter) {
		return new TieredCacheSettings("products", true, l1Ttl, l1MaxSize, true, l2Ttl, jitter, false);
	}

}
