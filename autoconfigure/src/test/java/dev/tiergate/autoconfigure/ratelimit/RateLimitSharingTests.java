package dev.tiergate.autoconfigure.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of an application share their buckets through Redis, on the Redis
 * server's clock, and never admit more than the limit together.
 */
class RateLimitSharingTests {

	@Test
	void sixteenThreadsInEachOfTwoInstancesOnOneKeyAdmitTheCapacityPlusTheRefillNeverMore() throws Exception {
		// The point is the script's atomicity, not the breaker: 32 threads on 2 busy cores make
		// slow calls, and an open breaker would rightly check locally, in each instance.
		String[] properties = { "spring.application.name=rl-sharing-" + UUID.randomUUID(), "test.manual-time=false",
				"tiergate.redis.circuit-breaker.slow-call-duration-threshold=2s" };
		try (ConfigurableApplicationContext first = RateLimitTestApplication.start(TestRedis.shared(),
				WebApplicationType.NONE, properties);
				ConfigurableApplicationContext second = RateLimitTestApplication.start(TestRedis.shared(),
						WebApplicationType.NONE, properties)) {
			List<ChatService> instances = List.of(first.getBean(ChatService.class), second.getBean(ChatService.class));
			AtomicLong admitted = new AtomicLong();
			AtomicLong rejected = new AtomicLong();
			ExecutorService threads = TestThreads.pool(32);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> results = new ArrayList<>();
			for (int t = 0; t < 32; t++) {
				ChatService service = instances.get(t % 2);
				results.add(threads.submit(() -> {
					start.await();
					for (int i = 0; i < 40; i++) {
						try {
							service.hot();
							admitted.incrementAndGet();
						}
						catch (RateLimitExceededException ex) {
							rejected.incrementAndGet();
						}
					}
					return null;
				}));
			}
			long began = System.nanoTime();
			start.countDown();
			for (Future<?> result : results) {
				result.get();
			}
			long elapsedNanos = System.nanoTime() - began;
			threads.shutdown();
			// The 'hot' tier: capacity 50, one token back every 10 seconds.
			long refill = elapsedNanos / 10_000_000_000L + 1;
			assertThat(admitted.get()).isBetween(50L, 50L + refill);
			assertThat(admitted.get() + rejected.get()).isEqualTo(32 * 40);
		}
	}

}
