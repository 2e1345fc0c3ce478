package dev.tiergate.cache;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CoarseTickerTests {

	@Test
	void readsTheSystemClockAsSampledAndStopsSamplingWhenClosed() {
		try (CoarseTicker ticker = new CoarseTicker(Duration.ofMillis(1))) {
			long before = System.nanoTime();
			await().atMost(Duration.ofSeconds(5)).until(() -> ticker.read() - before > 0);
			assertThat(ticker.read()).isLessThanOrEqualTo(System.nanoTime());
			ticker.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> !ticker.isSampling());
			long stopped = ticker.read();
			assertThat(ticker.read()).isEqualTo(stopped);
		}
	}

	@Test
	void registryWithoutATickerExpiresL1OnTheSampledClockAndStopsItWhenClosed() {
		TieredCacheSettings settings = TieredCacheSettings.builder("sampled").l1Ttl(Duration.ofMillis(50)).build();
		TieredCaches caches = TieredCaches.builder((name) -> settings, "test").build();
		TieredCache cache = caches.get("sampled");
		cache.put("key", String.class, "value");
		assertThat(cache.getIfPresent("key")).isNotNull();
		await().atMost(Duration.ofSeconds(5)).until(() -> cache.getIfPresent("key") == null);
		CoarseTicker clock = caches.l1Clock();
		assertThat(clock).isNotNull();
		caches.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !clock.isSampling());
	}

	@Test
	void registryWithATickerUsesItForL1AndStartsNoClock() {
		TieredCaches caches = TieredCaches.builder((name) -> TieredCacheSettings.builder(name).build(), "test")
			.ticker(Ticker.systemTicker())
			.build();
		assertThat(caches.l1Clock()).isNull();
		caches.close();
	}

}
