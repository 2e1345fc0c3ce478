package dev.tiergate.autoconfigure.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.tiergate.autoconfigure.ratelimit.ChatService;
import dev.tiergate.autoconfigure.ratelimit.RateLimitTestApplication;
import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisTopology;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application under load while its Redis fails over: eight threads call a method
 * that is both {@code @RateLimited} and {@code @TieredCacheable} and one that is only
 * {@code @RateLimited}, and every exception they see is kept. The tiers are large enough
 * that no call is ever rejected, and L1 entries live 50 ms, so the load keeps reaching
 * Redis for the cache as well as for the rate limits.
 */
final class FailoverLoad implements AutoCloseable {

	private static final int THREADS = 8;

	private static final int SYMBOLS = 40;

	private final ConfigurableApplicationContext context;

	private final ChatService service;

	private final List<Thread> threads = new ArrayList<>();

	private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

	private final AtomicLong calls = new AtomicLong();

	private final CountDownLatch started = new CountDownLatch(THREADS);

	private volatile boolean running = true;

	FailoverLoad(RedisTopology redis) {
		this.context = RateLimitTestApplication.start(redis,
				WebApplicationType.NONE, "spring.application.name=failover", "test.manual-time=false",
				"tiergate.redis.timeout=250ms", "tiergate.rate-limit.tiers.quotes.capacity=1000000000",
				"tiergate.rate-limit.tiers.quotes.refill-period=1s",
				"tiergate.rate-limit.tiers.hot.capacity=1000000000", "tiergate.rate-limit.tiers.hot.refill-period=1s",
				"tiergate.cache.caches.quotes.l1.ttl=50ms", "tiergate.cache.caches.quotes.l2.ttl=1h");
		this.service = this.context.getBean(ChatService.class);
	}

	/**
	 * Starts the threads and returns once each has made a call.
	 */
	void start() throws InterruptedException {
		for (int i = 0; i < THREADS; i++) {
			int offset = i;
			Thread thread = new Thread(() -> run(offset), "failover-load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
		if (!this.started.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The load threads did not start");
		}
	}

	private void run(int offset) {
		long n = offset;
		boolean first = true;
		while (this.running) {
			try {
				this.service.quote("S" + (n++ % SYMBOLS));
				this.service.hot();
				this.calls.addAndGet(2);
			}
			catch (Throwable ex) {
				this.failures.add(ex);
			}
			if (first) {
				this.started.countDown();
				first = false;
			}
			// Pacing, so that eight threads on a small machine leave the Redis processes some CPU.
			LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
		}
	}

	/**
	 * Returns the exceptions the callers saw.
	 * @return the failures
	 */
	List<Throwable> failures() {
		return List.copyOf(this.failures);
	}

	long calls() {
		return this.calls.get();
	}

	/**
	 * Returns whether tiergate is back to normal: health {@code UP}, cache mode
	 * {@code TIERED} and rate limits enforced in Redis.
	 * @return whether recovered
	 */
	boolean isRecovered() {
		Health health = this.context.getBean(TiergateHealthIndicator.class).health(true);
		return Status.UP.equals(health.getStatus()) && "TIERED".equals(health.getDetails().get("cacheMode"))
				&& "DISTRIBUTED".equals(health.getDetails().get("rateLimitMode"))
				&& this.context.getBean(RateLimiters.class).isDistributed();
	}

	/**
	 * Returns whether tiergate has gone to its fallback at least once since it started.
	 * @return whether it fell back
	 */
	boolean hasFallenBack() {
		return this.context.getBean(GuardedRedis.class).state().fallbackActivations() > 0;
	}

	Health health() {
		return this.context.getBean(TiergateHealthIndicator.class).health(true);
	}

	double distributedChecks() {
		return this.context.getBean(MeterRegistry.class)
			.find("tiergate.ratelimit.checks")
			.tag("mode", "distributed")
			.functionCounters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	/**
	 * Returns the Redis key of the one bucket every thread shares, that of
	 * {@code ChatService.hot()}.
	 * @param redis the Redis the load runs on
	 * @return the key
	 */
	static String hotBucketKey(RedisTopology redis) {
		try (RedisProbe probe = redis.probe()) {
			List<String> keys = probe.scanKeys("{failover:rl:hot:*");
			if (keys.size() != 1) {
				throw new IllegalStateException("Expected one bucket of the tier 'hot' but found " + keys);
			}
			return keys.get(0);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(Duration.ofSeconds(10).toMillis());
		}
		this.context.close();
	}

}
