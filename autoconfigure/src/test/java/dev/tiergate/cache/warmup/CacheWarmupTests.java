package dev.tiergate.cache.warmup;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.tiergate.InvalidSettingException;
import dev.tiergate.cache.InMemoryL2Store;
import dev.tiergate.cache.L2Store;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCacheSettings;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.warmup.CacheWarmup.Outcome;
import dev.tiergate.cache.warmup.CacheWarmup.Result;
import dev.tiergate.test.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * About the engine, not Redis: instances share an {@link InMemoryL2Store}, and time is a
 * {@link ManualTicker} that the warmers move.
 */
class CacheWarmupTests {

	private final ManualTicker ticker = new ManualTicker();

	private final InMemoryL2Store store = new InMemoryL2Store(this.ticker);

	private final List<Result> results = new CopyOnWriteArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void closeAll() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void putsEveryEntryWithItsDeclaredTypeSoThatReadersDecodeIt() {
		TieredCaches caches = caches(this.store);
		warmup(caches, List.of(warmer("products", range(1, 1200)))).run();
		assertThat(this.results).singleElement().satisfies((result) -> {
			assertThat(result.outcome()).isEqualTo(Outcome.COMPLETED);
			assertThat(result.loaded()).isEqualTo(1200);
			assertThat(result.failed()).isZero();
		});
		TieredCache other = caches(this.store).get("products");
		assertThat(other.find(1200L, String.class)).isNotNull().extracting((value) -> value.get()).isEqualTo("value 1200");
	}

	@Test
	void stopsPuttingWhenTheTimeIsOverAndSaysHowFarItGot() {
		TieredCaches caches = caches(this.store);
		// The time runs out while the 600th entry is read: the first batch is in, the second is not.
		Map<Long, String> entries = new TimedEntries(range(1, 1000), 600, () -> this.ticker.advance(Duration.ofSeconds(31)));
		warmup(caches, List.of(warmer("products", entries))).run();
		assertThat(this.results).singleElement().satisfies((result) -> {
			assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
			assertThat(result.loaded()).isEqualTo(WarmupRun.BATCH_SIZE);
		});
		assertThat(caches.get("products").l1Size()).isEqualTo(WarmupRun.BATCH_SIZE);
	}

	@Test
	void aFailingWarmerIsReportedAndTheOthersStillRun() {
		TieredCaches caches = caches(this.store);
		CacheWarmer failing = new TestWarmer("products", () -> {
			throw new IllegalStateException("the database is away");
		});
		warmup(caches, List.of(failing, warmer("products", range(1, 3)), warmer("labels", range(1, 2)))).run();
		assertThat(this.results).extracting(Result::cacheName, Result::outcome, Result::loaded)
			.containsExactly(tuple("products", Outcome.FAILED, 3L),
					tuple("labels", Outcome.COMPLETED, 2L));
	}

	@Test
	void oneInstanceWarmsACacheAndTheOthersSkipWhileItsLeaseLasts() {
		AtomicInteger calls = new AtomicInteger();
		CacheWarmer counted = new TestWarmer("products", () -> {
			calls.incrementAndGet();
			return range(1, 3);
		});
		warmup(caches(this.store), List.of(counted)).run();
		warmup(caches(this.store), List.of(counted)).run();
		assertThat(calls).hasValue(1);
		assertThat(this.results).extracting(Result::outcome).containsExactly(Outcome.COMPLETED, Outcome.SKIPPED_LEASE);
		assertThat(this.store.exists("test:products:lock:warmup")).isTrue();
		this.ticker.advance(CacheWarmup.DEFAULT_LEASE);
		warmup(caches(this.store), List.of(counted)).run();
		assertThat(calls).hasValue(2);
	}

	@Test
	void aRunThatDidNotCompleteGivesItsLeaseBackForTheNextInstance() {
		warmup(caches(this.store), List.of(new TestWarmer("products", () -> {
			throw new IllegalStateException("the database is away");
		}))).run();
		assertThat(this.store.exists("test:products:lock:warmup")).isFalse();
		warmup(caches(this.store), List.of(warmer("products", range(1, 3)))).run();
		assertThat(this.results).extracting(Result::outcome).containsExactly(Outcome.FAILED, Outcome.COMPLETED);
	}

	@Test
	void twoWarmersOfOneCacheRunUnderOneLease() {
		warmup(caches(this.store), List.of(warmer("products", range(1, 3)), warmer("products", range(4, 5)))).run();
		assertThat(this.results).singleElement().extracting(Result::outcome, Result::loaded)
			.containsExactly(Outcome.COMPLETED, 5L);
	}

	@Test
	void withoutL2EveryInstanceWarmsItsOwnL1() {
		warmup(caches(null), List.of(warmer("products", range(1, 3)))).run();
		warmup(caches(null), List.of(warmer("products", range(1, 3)))).run();
		assertThat(this.results).extracting(Result::outcome).containsExactly(Outcome.COMPLETED, Outcome.COMPLETED);
	}

	@Test
	void whenTheLeaseCannotBeTakenTheInstanceWarmsItself() {
		L2Store lockless = new InMemoryL2Store(this.ticker) {

			@Override
			public boolean tryLock(String key, String token, Duration lease) {
				throw new IllegalStateException("Redis is away");
			}

		};
		TieredCaches caches = caches(lockless);
		track(CacheWarmup.builder(caches, () -> List.of(warmer("products", range(1, 3))))
			.l2(lockless)
			.listener(this.results::add)
			.build()).run();
		assertThat(this.results).singleElement().extracting(Result::outcome).isEqualTo(Outcome.COMPLETED);
		assertThat(caches.get("products").l1Size()).isEqualTo(3);
	}

	@Test
	void aWarmerBlockedPastTheTimeoutDoesNotHoldTheCallerAndIsInterrupted() throws InterruptedException {
		CountDownLatch neverOpened = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		CacheWarmer blocked = new TestWarmer("products", () -> {
			try {
				neverOpened.await();
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
			return Map.of();
		});
		CacheWarmup warmup = track(CacheWarmup.builder(caches(this.store), () -> List.of(blocked))
			.timeout(Duration.ofMillis(200))
			.listener(this.results::add)
			.build());
		long start = System.nanoTime();
		warmup.run();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
		assertThat(interrupted.await(20, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(20)).until(() -> !this.results.isEmpty());
		assertThat(this.results).singleElement().extracting(Result::outcome).isEqualTo(Outcome.TIMED_OUT);
	}

	@Test
	void aScheduledRunsLeaseEndsHalfwayToTheNextRun() {
		Clock clock = Clock.fixed(Instant.parse("2026-12-02T03:00:00Z"), ZoneOffset.UTC);
		WarmupSchedule everyMinute = new WarmupSchedule((now) -> now.plusSeconds(60), clock);
		assertThat(everyMinute.leaseFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(30));
		WarmupSchedule daily = new WarmupSchedule((now) -> now.plus(Duration.ofDays(1)), clock);
		assertThat(daily.leaseFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
		WarmupSchedule over = new WarmupSchedule((now) -> null, clock);
		assertThat(over.leaseFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void scheduledRunsFollowTheSchedule() {
		AtomicInteger calls = new AtomicInteger();
		CacheWarmer counted = new TestWarmer("products", () -> {
			calls.incrementAndGet();
			return range(1, 1);
		});
		CacheWarmup warmup = track(CacheWarmup.builder(caches(null), () -> List.of(counted))
			.schedule((now) -> now.plusMillis(10))
			.listener(this.results::add)
			.build());
		warmup.startSchedule();
		await().atMost(Duration.ofSeconds(20)).until(() -> calls.get() >= 3);
	}

	@Test
	void theScheduleStartsOnce() {
		AtomicInteger planned = new AtomicInteger();
		CacheWarmup warmup = track(CacheWarmup.builder(caches(null), () -> List.of(warmer("products", range(1, 1))))
			.schedule((now) -> {
				planned.incrementAndGet();
				return now.plus(Duration.ofHours(1));
			})
			.build());
		warmup.startSchedule();
		warmup.startSchedule();
		assertThat(planned).hasValue(1);
	}

	@Test
	void aTimeoutOrLeaseThatIsNotPositiveIsRefusedWithItsName() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheWarmup.builder(caches(null), List::of).timeout(Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("timeout"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheWarmup.builder(caches(null), List::of).lease(Duration.ofSeconds(-1)))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("lease"));
	}

	@Test
	void outcomesReadAsTags() {
		assertThat(Outcome.values()).extracting(Outcome::tagValue)
			.containsExactly("completed", "timed-out", "failed", "skipped-lease");
	}

	private TieredCaches caches(L2Store l2) {
		TieredCaches caches = TieredCaches
			.builder((name) -> TieredCacheSettings.builder(name).l1MaxSize(10_000).l2TtlJitter(0).build(), "test")
			.l2(l2)
			.ticker(this.ticker)
			.build();
		return track(caches);
	}

	private CacheWarmup warmup(TieredCaches caches, List<CacheWarmer> warmers) {
		L2Store l2 = caches.get(warmers.get(0).cacheName()).hasL2() ? this.store : null;
		return track(CacheWarmup.builder(caches, () -> warmers)
			.l2(l2)
			.ticker(this.ticker)
			.listener(this.results::add)
			.build());
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private static Map<Long, String> range(long first, long last) {
		Map<Long, String> entries = new LinkedHashMap<>();
		IntStream.rangeClosed((int) first, (int) last).forEach((id) -> entries.put((long) id, "value " + id));
		return entries;
	}

	private static CacheWarmer warmer(String cacheName, Map<Long, String> entries) {
		return new TestWarmer(cacheName, () -> entries);
	}

	@FunctionalInterface
	interface Entries {

		Map<?, ?> get() throws Exception;

	}

	private record TestWarmer(String cacheName, Entries source) implements CacheWarmer {

		@Override
		public Type valueType() {
			return String.class;
		}

		@Override
		public Map<?, ?> entries() throws Exception {
			return this.source.get();
		}

	}

	/** Entries that run something when a given one is read, as a slow source would let time pass. */
	private static final class TimedEntries extends AbstractMap<Long, String> {

		private final Map<Long, String> entries;

		private final int at;

		private final Runnable action;

		TimedEntries(Map<Long, String> entries, int at, Runnable action) {
			this.entries = entries;
			this.at = at;
			this.action = action;
		}

		@Override
		public Set<Entry<Long, String>> entrySet() {
			return new AbstractSet<>() {

				@Override
				public Iterator<Entry<Long, String>> iterator() {
					Iterator<Entry<Long, String>> delegate = TimedEntries.this.entries.entrySet().iterator();
					AtomicInteger read = new AtomicInteger();
					return new Iterator<>() {

						@Override
						public boolean hasNext() {
							return delegate.hasNext();
						}

						@Override
						public Entry<Long, String> next() {
							if (read.incrementAndGet() == TimedEntries.this.at) {
								TimedEntries.this.action.run();
							}
							return delegate.next();
						}

					};
				}

				@Override
				public int size() {
					return TimedEntries.this.entries.size();
				}

			};
		}

	}

}
