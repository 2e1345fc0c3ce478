package dev.tiergate.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitStatistics;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No carrier thread is pinned while virtual threads go through tiergate on a real Redis:
 * L2 loads, callers of one missing key waiting for its single load, the cross-instance
 * lock's wait, and rate-limit checks. A JFR recording counts {@code jdk.VirtualThreadPinned}
 * events with a threshold of 0, so any park of a pinned virtual thread counts, however short.
 * <p>
 * Virtual threads and this event need a JDK 21+: the class runs only in the virtual-thread
 * run of {@code autoconfigure/pom.xml} (profile {@code virtual-threads}), which the JDK 17
 * run excludes it from.
 */
class VirtualThreadPinningTests {

	private static final String PINNED = "jdk.VirtualThreadPinned";

	private static final String STARTED = "jdk.VirtualThreadStart";

	private static final String CALLER_NAME = "vt-caller-";

	private static final String THE_KEY = "the-key";

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@TempDir
	private Path recordings;

	@BeforeAll
	static void startTwoInstances() throws Exception {
		String namespace = "vt-pinning-" + UUID.randomUUID();
		first = start(namespace, "first");
		second = start(namespace, "second");
		// Each path once, on one virtual thread, before anything is recorded: a virtual thread
		// that waits for another one to initialise a class pins its carrier (a JVM matter of the
		// first call, not tiergate's), and concurrent first calls would count those waits.
		for (ConfigurableApplicationContext instance : List.of(first, second)) {
			Backend backend = backend(instance);
			call(1, (i) -> {
				backend.product(-1);
				backend.hot("warm-up");
				backend.locked("warm-up");
				// Past the capacity (30): the path of a rejection, its exception included, is warm too.
				for (int call = 0; call <= 30; call++) {
					try {
						backend.limited("warm-up");
					}
					catch (RateLimitExceededException ex) {
						// expected once
					}
				}
				return null;
			});
			calls(instance).forgetWarmUp();
		}
	}

	@AfterAll
	static void stopInstances() {
		second.close();
		first.close();
	}

	@Test
	void theRecordingCountsACarrierPinnedOnPurpose() throws Exception {
		// A virtual thread that parks inside a class initializer pins its carrier on every JDK
		// (21 also pins inside synchronized, 24+ no longer): without this event counted, zero
		// below would prove nothing.
		Pinning pinning = record(() -> call(1, (i) -> ParksInItsInitializer.touch()));
		assertThat(pinning.pinned()).hasSize(1);
		assertThat(pinning.pinned().get(0)).contains("ParksInItsInitializer");
	}

	@Test
	void l2LoadsPinNoCarrier() throws Exception {
		long l2HitsBefore = caches(second).get("vt-products").statistics().l2Hits();
		Pinning pinning = record(() -> {
			call(20, (i) -> backend(first).product(i));
			call(20, (i) -> backend(second).product(i));
		});
		assertThat(calls(first).productLoads).hasValue(20);
		assertThat(calls(second).productLoads).as("the second instance read every product from L2").hasValue(0);
		assertThat(caches(second).get("vt-products").statistics().l2Hits() - l2HitsBefore).isEqualTo(20);
		pinning.assertNoneWhile(40);
	}

	@Test
	void waitingForTheSingleLoadOfAMissingKeyPinsNoCarrier() throws Exception {
		Backend backend = backend(first);
		Gate gate = calls(first).hot;
		Pinning pinning = record(() -> {
			CallsInFlight hot = start(50, (i) -> backend.hot(THE_KEY));
			assertThat(gate.loading.await(10, TimeUnit.SECONDS)).isTrue();
			// The leader parks in the method, the 49 others in the wait for its result.
			hot.awaitAllParked();
			gate.release.countDown();
			assertThat(hot.results()).containsOnly("hot " + THE_KEY).hasSize(50);
		});
		assertThat(gate.loads).hasValue(1);
		pinning.assertNoneWhile(50);
	}

	@Test
	void waitingForTheLockHolderOfAnotherInstancePinsNoCarrier() throws Exception {
		Backend holder = backend(first);
		Backend waiter = backend(second);
		Pinning pinning = record(() -> {
			CallsInFlight holding = start(1, (i) -> holder.locked(THE_KEY));
			assertThat(calls(first).locked.loading.await(10, TimeUnit.SECONDS)).isTrue();
			// The second instance: one caller polls L2 and the lease, the others wait for it.
			CallsInFlight waiting = start(10, (i) -> waiter.locked(THE_KEY));
			waiting.awaitAllParked();
			calls(first).locked.release.countDown();
			assertThat(holding.results()).containsExactly("locked " + THE_KEY + " by the first instance");
			assertThat(waiting.results()).containsOnly("locked " + THE_KEY + " by the first instance").hasSize(10);
		});
		assertThat(calls(second).locked.loads).as("the second instance waited for the first one's value").hasValue(0);
		pinning.assertNoneWhile(11);
	}

	@Test
	void rateLimitChecksOnRedisPinNoCarrier() throws Exception {
		Backend backend = backend(first);
		AtomicInteger rejected = new AtomicInteger();
		RateLimitStatistics statistics = first.getBean(RateLimiters.class).get("vt").statistics();
		long checksBefore = statistics.checks(Enforcement.DISTRIBUTED);
		Pinning pinning = record(() -> call(10, (i) -> {
			for (int call = 0; call < 5; call++) {
				try {
					backend.limited("the-client");
				}
				catch (RateLimitExceededException ex) {
					rejected.incrementAndGet();
				}
			}
			return null;
		}));
		// Capacity 30, one token back per hour: 30 of the 50 checks pass, all of them in Redis.
		assertThat(calls(first).limitedCalls).hasValue(30);
		assertThat(rejected).hasValue(20);
		assertThat(statistics.checks(Enforcement.DISTRIBUTED) - checksBefore).isEqualTo(50);
		pinning.assertNoneWhile(10);
	}

	private static ConfigurableApplicationContext start(String namespace, String instance) {
		return new SpringApplicationBuilder(PinningTestApplication.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.url=" + TestRedis.url(), "test.instance=" + instance,
					"spring.threads.virtual.enabled=true", "tiergate.cache.key-prefix=" + namespace,
					// A loaded machine's slow calls must not open the breaker: the calls are to go to Redis.
					"tiergate.redis.timeout=5s", "tiergate.redis.circuit-breaker.slow-call-duration-threshold=5s",
					"tiergate.cache.caches.vt-products.l1.ttl=1h", "tiergate.cache.caches.vt-locked.lock=true",
					"tiergate.cache.caches.vt-locked.lock-wait=30s", "tiergate.rate-limit.tiers.vt.capacity=30",
					"tiergate.rate-limit.tiers.vt.refill-tokens=1", "tiergate.rate-limit.tiers.vt.refill-period=1h")
			.run();
	}

	private static Backend backend(ConfigurableApplicationContext context) {
		return context.getBean(Backend.class);
	}

	private static Calls calls(ConfigurableApplicationContext context) {
		return context.getBean(Calls.class);
	}

	private static TieredCaches caches(ConfigurableApplicationContext context) {
		return context.getBean(TieredCaches.class);
	}

	/** Calls {@code task} on {@code count} virtual threads at once and waits for them. */
	private static List<Object> call(int count, Task task) throws Exception {
		return start(count, task).results();
	}

	private static CallsInFlight start(int count, Task task) {
		return new CallsInFlight(count, task);
	}

	private Pinning record(Work work) throws Exception {
		Path file = this.recordings.resolve("pinning-" + UUID.randomUUID() + ".jfr");
		try (Recording recording = new Recording()) {
			recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
			recording.enable(STARTED);
			recording.start();
			work.run();
			recording.stop();
			recording.dump(file);
		}
		return Pinning.read(file);
	}

	interface Task {

		Object call(int index) throws Exception;

	}

	interface Work {

		void run() throws Exception;

	}

	/** What the recording saw: each pinned park as its stack, and the callers it saw start. */
	record Pinning(List<String> pinned, long callersStarted) {

		static Pinning read(Path file) throws IOException {
			List<String> pinned = new ArrayList<>();
			long callersStarted = 0;
			for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
				String name = event.getEventType().getName();
				if (PINNED.equals(name) && !whileRecordingItself(event)) {
					pinned.add(describe(event));
				}
				else if (STARTED.equals(name) && event.getThread() != null
						&& event.getThread().getJavaName().startsWith(CALLER_NAME)) {
					callersStarted++;
				}
			}
			return new Pinning(pinned, callersStarted);
		}

		/**
		 * Whether a pin happened in the commit of a JFR event (on JDK 25, the start event
		 * this recording counts callers by can fail to unmount a thread that is starting):
		 * the recording's own doing, not the code under test.
		 */
		private static boolean whileRecordingItself(RecordedEvent event) {
			List<RecordedFrame> frames = (event.getStackTrace() != null) ? event.getStackTrace().getFrames() : List.of();
			return !frames.isEmpty() && frames.get(0).getMethod().getType().getName().startsWith("jdk.internal.event.");
		}

		private static String describe(RecordedEvent event) {
			String reason = event.hasField("pinnedReason") ? event.getString("pinnedReason") : "pinned";
			String stack = (event.getStackTrace() != null) ? event.getStackTrace()
				.getFrames()
				.stream()
				.map(RecordedFrame::getMethod)
				.map((method) -> method.getType().getName() + "." + method.getName())
				.collect(Collectors.joining("\n\tat ")) : "(no stack)";
			return reason + "\n\tat " + stack;
		}

		/** Asserts that the recording saw the virtual threads do the work, and none of them pinned. */
		void assertNoneWhile(int callers) {
			assertThat(this.callersStarted).as("virtual callers the recording saw start").isGreaterThanOrEqualTo(callers);
			assertThat(this.pinned).as("pinned virtual threads, with their stacks").isEmpty();
		}

	}

	/** Calls, each on a virtual thread of its own. */
	static final class CallsInFlight {

		private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

		private final List<FutureTask<Object>> futures = new ArrayList<>();

		CallsInFlight(int count, Task task) {
			ThreadFactory virtual = TestThreads.virtualFactory(CALLER_NAME);
			for (int i = 0; i < count; i++) {
				int index = i;
				FutureTask<Object> future = new FutureTask<>(() -> {
					this.threads.add(Thread.currentThread());
					return task.call(index);
				});
				this.futures.add(future);
				virtual.newThread(future).start();
			}
		}

		void awaitAllParked() {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.threads.size() == this.futures.size() && this.threads.stream()
					.allMatch((thread) -> thread.getState() == Thread.State.WAITING
							|| thread.getState() == Thread.State.TIMED_WAITING));
		}

		List<Object> results() throws Exception {
			List<Object> results = new ArrayList<>();
			for (FutureTask<Object> future : this.futures) {
				results.add(future.get(30, TimeUnit.SECONDS));
			}
			assertThat(this.threads).hasSize(this.futures.size()).allMatch(TestThreads::isVirtual, "virtual");
			return results;
		}

	}

	/** Parks the virtual thread that initialises it, which pins the carrier on every JDK. */
	static final class ParksInItsInitializer {

		static {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}

		private ParksInItsInitializer() {
		}

		static Object touch() {
			return ParksInItsInitializer.class;
		}

	}

	/** What one instance's methods did, beside them: the methods' bean is a proxy. */
	static final class Calls {

		final AtomicInteger productLoads = new AtomicInteger();

		final AtomicInteger limitedCalls = new AtomicInteger();

		final Gate hot = new Gate();

		final Gate locked = new Gate();

		void forgetWarmUp() {
			for (AtomicInteger counter : List.of(this.productLoads, this.limitedCalls, this.hot.loads,
					this.locked.loads)) {
				counter.set(0);
			}
		}

	}

	/** Holds the load of {@link #THE_KEY} in its method until the test releases it; other keys pass. */
	static final class Gate {

		final AtomicInteger loads = new AtomicInteger();

		final CountDownLatch loading = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		void pass(String key) throws InterruptedException {
			if (key.equals(THE_KEY)) {
				this.loads.incrementAndGet();
				this.loading.countDown();
				this.release.await(30, TimeUnit.SECONDS);
			}
		}

	}

	/** The cached and limited methods, one bean per instance. */
	static class Backend {

		private final String instance;

		private final Calls calls;

		Backend(String instance, Calls calls) {
			this.instance = instance;
			this.calls = calls;
		}

		@TieredCacheable(value = "vt-products", key = "#id")
		public String product(int id) {
			this.calls.productLoads.incrementAndGet();
			return "product " + id;
		}

		@TieredCacheable("vt-hot")
		public String hot(String key) throws InterruptedException {
			this.calls.hot.pass(key);
			return "hot " + key;
		}

		@TieredCacheable("vt-locked")
		public String locked(String key) throws InterruptedException {
			this.calls.locked.pass(key);
			return "locked " + key + " by the " + this.instance + " instance";
		}

		@RateLimited(value = "vt", key = "#client")
		public void limited(String client) {
			this.calls.limitedCalls.incrementAndGet();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PinningTestApplication {

		@Bean
		Calls calls() {
			return new Calls();
		}

		@Bean
		Backend backend(Environment environment, Calls calls) {
			return new Backend(environment.getRequiredProperty("test.instance"), calls);
		}

	}

}
