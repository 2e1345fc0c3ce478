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
				.isThrownBy(() -> TieredCacheSettings.builder(name)
					.l1Ttl(Duration.ofSeconds(1))
					.l1MaxSize(10)
					.l2Ttl(Duration.ofHours(1))
					.l2TtlJitter(0)
					.build())
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

	@Test
	void aBuilderStartsFromTheDefaultsAndToBuilderKeepsEverySetting() {
		TieredCacheSettings defaults = TieredCacheSettings.builder("products").build();
		assertThat(defaults.l1Ttl()).isEqualTo(TieredCacheSettings.DEFAULT_L1_TTL);
		assertThat(defaults.lockLease()).isEqualTo(TieredCacheSettings.DEFAULT_LOCK_LEASE);
		assertThat(defaults.lockWait()).isEqualTo(TieredCacheSettings.DEFAULT_LOCK_WAIT);
		assertThat(defaults.maxValueBytes()).isEqualTo(512 * 1024);
		TieredCacheSettings changed = defaults.toBuilder().lock(true).staleTtl(Duration.ofMinutes(1)).build();
		assertThat(changed.toBuilder().build()).isEqualTo(changed);
		assertThat(changed.withName("other")).isEqualTo(changed.toBuilder().name("other").build());
	}

	private static TieredCacheSettings settings(Duration l1Ttl, long l1MaxSize, Duration l2Ttl, double jitter) {
		return TieredCacheSettings.builder("products")
			.l1Ttl(l1Ttl)
			.l1MaxSize(l1MaxSize)
			.l2Ttl(l2Ttl)
			.l2TtlJitter(jitter)
			.build();
	}

}
