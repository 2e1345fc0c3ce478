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
	void namesThatCouldReachAnotherCachesKeysAreRejected() {
		// <prefix>:a:* (clearing cache a) matches every key of a cache named a:b, and a:lock:k is a lock key of a.
		for (String name : new String[] { "a:b", "lock:", "a*", "a?", "[ab]", "a\\b", "a b", " ", "" }) {
			assertThat(TieredCacheSettings.nameProblem(name)).as(name).isNotNull();
			assertThatExceptionOfType(InvalidCacheSettingException.class)
				.isThrownBy(() -> new TieredCacheSettings(name, true, Duration.ofSeconds(1), 10, true,
						Duration.ofHours(1), 0, false))
				.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("name"));
		}
		for (String name : new String[] { "products", "product-search", "v2.offers", "user_42" }) {
			assertThat(TieredCacheSettings.nameProblem(name)).as(name).isNull();
		}
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
