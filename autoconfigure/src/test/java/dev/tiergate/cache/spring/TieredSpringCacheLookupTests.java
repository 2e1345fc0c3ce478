package dev.tiergate.cache.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.tiergate.cache.CacheLookups;
import dev.tiergate.cache.TieredCacheSettings;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a typed view records for {@code Cache-Status} on {@code get(key, loader)}, which
 * Spring calls for {@code sync = true}.
 */
class TieredSpringCacheLookupTests {

	private final TieredCaches caches = TieredCaches.builder((name) -> TieredCacheSettings.builder(name).build(), "test")
		.build();

	private final TieredSpringCache cache = new TieredCacheManager(this.caches, List.of("reviews")).getCache("reviews",
			String.class);

	@AfterEach
	void close() {
		this.caches.close();
	}

	@Test
	void aCallThatLoadsRecordsStoredAndTheNextAnL1Hit() {
		try (CacheLookups.Scope scope = CacheLookups.open((name) -> false)) {
			this.cache.get("key", () -> "value");
			assertThat(scope.lookup()).isEqualTo(CacheLookups.Lookup.STORED);
		}
		try (CacheLookups.Scope scope = CacheLookups.open((name) -> false)) {
			this.cache.get("key", () -> "other");
			assertThat(scope.lookup()).isEqualTo(CacheLookups.Lookup.L1_HIT);
		}
	}

	@Test
	void aCallThatWaitedForAnotherCallsLoadRecordsCollapsed() throws Exception {
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Object> leader = CompletableFuture.supplyAsync(() -> this.cache.get("key", () -> {
			loading.countDown();
			release.await(5, TimeUnit.SECONDS);
			return "value";
		}), TestThreads.perTask());
		assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<CacheLookups.Lookup> waiter = CompletableFuture.supplyAsync(() -> {
			try (CacheLookups.Scope scope = CacheLookups.open((name) -> false)) {
				Object value = this.cache.get("key", () -> "not loaded: the other call is loading");
				assertThat(value).isEqualTo("value");
				return scope.lookup();
			}
		}, TestThreads.perTask());
		// The waiter has joined the flight once it no longer finishes on its own.
		await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> !waiter.isDone());
		release.countDown();
		assertThat(leader.get(5, TimeUnit.SECONDS)).isEqualTo("value");
		assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo(CacheLookups.Lookup.COLLAPSED);
	}

}
