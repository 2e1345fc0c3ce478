package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import io.github.bucket4j.TimeMeter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token-bucket script on real Redis servers: the shared one (Redis 7 in CI) and the
 * Redis 6.2 of the embedded-redis artifact.
 */
class RedisTokenBucketsTests {

	private static final RateLimitTier CHAT = tier("chat", OnRedisFailure.LOCAL,
			new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10)));

	private static RedisProcess redis62;

	private static TestGuardedRedis shared;

	private static TestGuardedRedis onRedis62;

	private static RedisProbe sharedProbe;

	@BeforeAll
	static void connect() {
		shared = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(2));
		sharedProbe = new RedisProbe(TestRedis.shared());
		redis62 = RedisProcess.start(TestRedis.embeddedRedisBinary());
		onRedis62 = new TestGuardedRedis(redis62.endpoint(), Duration.ofSeconds(2));
	}

	@AfterAll
	static void disconnect() {
		shared.close();
		sharedProbe.close();
		onRedis62.close();
		redis62.close();
	}

	@Test
	void theChatDefaultsAdmitFiveThenOneEveryTenSecondsOnTheServerClock() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace());
		String client = "ip:203.0.113.9";
		for (int i = 0; i < 5; i++) {
			RateLimitDecision decision = buckets.tryConsume(CHAT, client, 1);
			assertThat(decision.isAllowed()).isTrue();
			assertThat(decision.isDistributed()).isTrue();
			assertThat(decision.remaining()).isEqualTo(4 - i);
		}
		RateLimitDecision rejected = buckets.tryConsume(CHAT, client, 1);
		assertThat(rejected.isAllowed()).isFalse();
		assertThat(rejected.remaining()).isZero();
		assertThat(rejected.capacity()).isEqualTo(5);
		assertThat(rejected.retryAfter()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
		assertThat(rejected.retryAfterSeconds()).isEqualTo(10);
		assertThat(rejected.reset()).isBetween(Duration.ofSeconds(49), Duration.ofSeconds(50));
	}

	@Test
	void theBucketKeyIsHashedNamespacedHashTaggedAndExpiresWhenTheBucketWouldBeFull() {
		String namespace = namespace();
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace);
		buckets.tryConsume(CHAT, "ip:203.0.113.10", 1);
		buckets.tryConsume(CHAT, "ip:203.0.113.10", 1);
		List<String> keys = sharedProbe.scanKeys("{" + namespace + ":rl:*");
		assertThat(keys).containsExactly(buckets.key("chat", "ip:203.0.113.10"));
		assertThat(keys.get(0)).matches("\\{" + namespace + ":rl:chat:[0-9a-f]{32}}:v2").doesNotContain("203.0.113");
		assertThat(sharedProbe.pttl(keys.get(0))).as("two tokens take 20s to come back")
			.isBetween(19_000L, 20_000L);
	}

	@Test
	void aRejectedCallChangesNothingInRedis() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace());
		for (int i = 0; i < 5; i++) {
			buckets.tryConsume(CHAT, "k", 1);
		}
		String key = buckets.key("chat", "k");
		byte[] drained = sharedProbe.get(key);
		assertThat(buckets.tryConsume(CHAT, "k", 1).isAllowed()).isFalse();
		assertThat(sharedProbe.get(key)).isEqualTo(drained);
	}

	@Test
	void aCorruptBucketIsAFullBucketNotAnError() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace());
		String key = buckets.key("chat", "k");
		for (String corrupt : List.of("", "garbage", "12:x@y", "12:5@0", ":", "1:2@3:", "-1:5@100000",
				"99999999999999999999999999:5@1", "\u0000\u00ff", "12", "12:", "12:1/0=5@5", "12:0/1=5@5",
				"12:1/10000000=5@5:1/10000000=5@5", "12:1/10000000=x@5", "12:1/10000000#=5", "12:1/1e7=5@5")) {
			sharedProbe.set(key, corrupt.getBytes(StandardCharsets.UTF_8));
			RateLimitDecision decision = buckets.tryConsume(CHAT, "k", 1);
			assertThat(decision.isAllowed()).as(corrupt).isTrue();
			assertThat(decision.remaining()).as(corrupt).isBetween(0L, 4L);
		}
	}

	/**
	 * Defect 15 of the 2026-12-02 review: after a failover to a replica whose clock is an
	 * hour behind, the bucket did not refill at all until the new clock caught up, while
	 * Retry-After said 10 s.
	 */
	@Test
	void afterTheClockWentBackABucketRefillsAtItsRateOnTheNewClock() {
		String namespace = namespace();
		String client = "ip:203.0.113.9";
		ManualTimeMeter oldMaster = new ManualTimeMeter();
		oldMaster.advance(Duration.ofHours(1)); // the old master's clock is an hour ahead
		RedisTokenBuckets beforeFailover = new RedisTokenBuckets(shared.redis(), namespace, oldMaster);
		for (int i = 0; i < 5; i++) {
			assertThat(beforeFailover.tryConsume(CHAT, client, 1).isAllowed()).isTrue();
		}
		RateLimitDecision rejected = beforeFailover.tryConsume(CHAT, client, 1);
		assertThat(rejected.isAllowed()).isFalse();
		assertThat(rejected.retryAfterSeconds()).isEqualTo(10);

		ManualTimeMeter promotedReplica = new ManualTimeMeter(); // the real time, an hour behind
		RedisTokenBuckets afterFailover = new RedisTokenBuckets(shared.redis(), namespace, promotedReplica);
		boolean allowedWithin30Minutes = false;
		for (int minute = 0; minute < 30 && !allowedWithin30Minutes; minute++) {
			promotedReplica.advance(Duration.ofMinutes(1));
			allowedWithin30Minutes = afterFailover.tryConsume(CHAT, client, 1).isAllowed();
		}
		assertThat(allowedWithin30Minutes).as("a call 1 minute (6 refills) after the last rejection").isTrue();
	}

	@Test
	void afterTheClockWentBackRetryAfterIsTrueOnTheNewClock() {
		String namespace = namespace();
		ManualTimeMeter oldMaster = new ManualTimeMeter();
		oldMaster.advance(Duration.ofHours(1));
		RedisTokenBuckets beforeFailover = new RedisTokenBuckets(shared.redis(), namespace, oldMaster);
		for (int i = 0; i < 5; i++) {
			beforeFailover.tryConsume(CHAT, "k", 1);
		}
		ManualTimeMeter promotedReplica = new ManualTimeMeter();
		RedisTokenBuckets afterFailover = new RedisTokenBuckets(shared.redis(), namespace, promotedReplica);
		RateLimitDecision rejected = afterFailover.tryConsume(CHAT, "k", 1);
		assertThat(rejected.isAllowed()).as("the time before the jump is not refilled: it is unknown").isFalse();
		assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(10));
		promotedReplica.advance(rejected.retryAfter().minusNanos(1000));
		assertThat(afterFailover.tryConsume(CHAT, "k", 1).isAllowed()).as("1 µs early").isFalse();
		promotedReplica.advance(Duration.ofNanos(1000));
		RateLimitDecision allowed = afterFailover.tryConsume(CHAT, "k", 1);
		assertThat(allowed.isAllowed()).as("when Retry-After said").isTrue();
		assertThat(allowed.remaining()).isZero();
		promotedReplica.advance(Duration.ofSeconds(50));
		assertThat(afterFailover.tryConsume(CHAT, "k", 1).remaining()).as("full again, then one taken").isEqualTo(4);
	}

	/**
	 * The same on the Redis server's own clock (no time passed in): the bucket's stored
	 * time is an hour ahead of the server, as the old master wrote it.
	 */
	@Test
	void onTheServerClockABucketWrittenByAClockAheadRefillsAtOnceAtItsRate() {
		RateLimitTier fast = tier("fast", OnRedisFailure.LOCAL, new RateLimitTier.Limit(5, 1, Duration.ofMillis(100)));
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace());
		String key = buckets.key("fast", "k");
		List<byte[]> time = sharedProbe.commands().time();
		long serverMicros = Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)) * 1_000_000
				+ Long.parseLong(new String(time.get(1), StandardCharsets.US_ASCII));
		long anHourAhead = serverMicros + Duration.ofHours(1).toNanos() / 1000;
		// Empty: 0 of 5 tokens, at 100,000 units per token and 1 unit per microsecond.
		sharedProbe.set(key, (anHourAhead + ":1/100000=0@500000").getBytes(StandardCharsets.US_ASCII));
		RateLimitDecision rejected = buckets.tryConsume(fast, "k", 1);
		assertThat(rejected.isAllowed()).isFalse();
		assertThat(rejected.retryAfter()).isEqualTo(Duration.ofMillis(100));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> buckets.tryConsume(fast, "k", 1).isAllowed());
		assertThat(sharedProbe.pttl(key)).as("expires by the server's clock, not an hour late")
			.isBetween(1L, 500L);
	}

	/**
	 * Suspected in the 2026-12-02 review, and so: the state was one field per limit by
	 * position, so an instance whose tier had one limit fewer wrote the bucket without the
	 * other's, and that one started full again after every such call.
	 */
	@Test
	void duringARollingDeployThatAddsAnHourlyLimitTheHourlyLimitHolds() {
		RateLimitTier.Limit burst = new RateLimitTier.Limit(1000, 1000, Duration.ofSeconds(1));
		RateLimitTier.Limit hourly = new RateLimitTier.Limit(10, 10, Duration.ofHours(1));
		String namespace = namespace();
		ManualTimeMeter time = new ManualTimeMeter();
		TierRateLimiter newVersion = limiter(namespace, time, burst, hourly);
		TierRateLimiter oldVersion = limiter(namespace, time, burst);
		int allowedByNew = 0;
		int allowedByOld = 0;
		for (int i = 0; i < 20; i++) {
			time.advance(Duration.ofMillis(10));
			allowedByNew += newVersion.check("ip:203.0.113.9", 1).isAllowed() ? 1 : 0;
			time.advance(Duration.ofMillis(10));
			allowedByOld += oldVersion.check("ip:203.0.113.9", 1).isAllowed() ? 1 : 0;
		}
		assertThat(allowedByOld).as("the old version knows no hourly limit").isEqualTo(20);
		assertThat(allowedByNew).as("the hourly limit, 10").isEqualTo(10);
	}

	@Test
	void limitsInAnotherOrderOrBesideOthersShareTheirTokens() {
		RateLimitTier.Limit burst = new RateLimitTier.Limit(1000, 1000, Duration.ofSeconds(1));
		RateLimitTier.Limit daily = new RateLimitTier.Limit(1000, 1000, Duration.ofDays(1));
		RateLimitTier.Limit hourly = new RateLimitTier.Limit(10, 10, Duration.ofHours(1));
		String namespace = namespace();
		ManualTimeMeter time = new ManualTimeMeter();
		List<TierRateLimiter> instances = List.of(limiter(namespace, time, burst, hourly),
				limiter(namespace, time, daily, burst, hourly), limiter(namespace, time, hourly, daily));
		int allowed = 0;
		for (int i = 0; i < 30; i++) {
			time.advance(Duration.ofMillis(10));
			allowed += instances.get(i % 3).check("k", 1).isAllowed() ? 1 : 0;
		}
		assertThat(allowed).as("one hourly limit of 10 for every instance").isEqualTo(10);
		// The daily limit was taken 10 times too, by the instances that have it.
		assertThat(instances.get(1).check("k", 1).isAllowed()).isFalse();
	}

	@Test
	void theStateOfALimitThisInstanceDoesNotHaveIsKeptRefillingAndDroppedOnceFull() {
		RateLimitTier.Limit burst = new RateLimitTier.Limit(5, 1, Duration.ofSeconds(1));
		RateLimitTier.Limit hourly = new RateLimitTier.Limit(10, 10, Duration.ofHours(1));
		String namespace = namespace();
		ManualTimeMeter time = new ManualTimeMeter();
		TierRateLimiter withHourly = limiter(namespace, time, burst, hourly);
		TierRateLimiter withoutHourly = limiter(namespace, time, burst);
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace, time);
		String key = buckets.key("tier", "k");
		withHourly.check("k", 1);
		withoutHourly.check("k", 1);
		// 9 of 10 tokens of 360,000,000 units, refilled at 1 unit per microsecond.
		assertThat(value(key)).endsWith(":1/360000000=3240000000@3600000000");
		time.advance(Duration.ofHours(1));
		withoutHourly.check("k", 1);
		assertThat(value(key)).as("the hourly limit is full again: no state").doesNotContain("/360000000=");
	}

	private static String value(String key) {
		return new String(sharedProbe.get(key), StandardCharsets.US_ASCII);
	}

	private static TierRateLimiter limiter(String namespace, ManualTimeMeter time, RateLimitTier.Limit... limits) {
		RateLimitTier tier = new RateLimitTier("tier", List.of(limits), OnRedisFailure.LOCAL);
		return new RateLimiters(List.of(tier), new RedisTokenBuckets(shared.redis(), namespace, time), time, 100)
			.get("tier");
	}

	@Test
	void aServerThatLostTheScriptGetsItAgainWithinTheSameCheck() {
		RedisTokenBuckets buckets = new RedisTokenBuckets(shared.redis(), namespace());
		sharedProbe.commands().scriptFlush();
		assertThat(buckets.tryConsume(CHAT, "k", 1).isAllowed()).isTrue();
		assertThat(sharedProbe.commands().scriptExists(TokenBucketScript.load().sha1())).containsExactly(true);
		assertThat(buckets.tryConsume(CHAT, "k", 1).remaining()).isEqualTo(3);
	}

	@Test
	void eachCheckIsExactlyOneRedisCommand() {
		try (RedisProcess redis = TestRedis.startPrivate();
				TestGuardedRedis guarded = new TestGuardedRedis(redis.endpoint(), Duration.ofSeconds(2));
				RedisProbe probe = new RedisProbe(redis.endpoint())) {
			RateLimitTier tier = tier("three-limits", OnRedisFailure.LOCAL,
					new RateLimitTier.Limit(1000, 100, Duration.ofSeconds(1)),
					new RateLimitTier.Limit(5000, 5000, Duration.ofHours(1)),
					new RateLimitTier.Limit(20000, 20000, Duration.ofDays(1)));
			RedisTokenBuckets buckets = new RedisTokenBuckets(guarded.redis(), "probe");
			// The first check of a fresh server loads the script: EVALSHA, NOSCRIPT, EVAL.
			buckets.tryConsume(tier, "warm-up", 1);
			probe.resetStats();
			for (int i = 0; i < 200; i++) {
				buckets.tryConsume(tier, "client-" + (i % 7), 1 + i % 3);
			}
			assertThat(probe.commandCount("evalsha")).isEqualTo(200);
			assertThat(probe.commandCount("eval")).isZero();
			// Redis also counts the commands a script runs inside the server: TIME, GET, and SET when allowed.
			assertThat(probe.totalCommandsExcluding("info", "config", "time", "get", "set")).isEqualTo(200);
			assertThat(probe.commandCount("time")).isEqualTo(200);
		}
	}

	@Test
	void concurrentChecksFromTwoConnectionsNeverAdmitMoreThanTheCapacity() throws Exception {
		RateLimitTier tier = tier("hot", OnRedisFailure.LOCAL, new RateLimitTier.Limit(100, 1, Duration.ofHours(1)));
		String namespace = namespace();
		// The point is the script's atomicity, not the breaker: 16 callers on 2 busy cores (on
		// virtual threads, waiting for a carrier after each reply) make slow calls, and an open
		// breaker would fail the checks. Connections of their own keep the shared one's breaker closed.
		GuardedRedis.BreakerSettings patient = GuardedRedis.BreakerSettings.builder()
			.slowCallDurationThreshold(Duration.ofSeconds(2))
			.build();
		try (TestGuardedRedis first = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(2), patient);
				TestGuardedRedis second = new TestGuardedRedis(TestRedis.shared(), Duration.ofSeconds(2), patient)) {
			List<RedisTokenBuckets> instances = List.of(new RedisTokenBuckets(first.redis(), namespace),
					new RedisTokenBuckets(second.redis(), namespace));
			AtomicLong admitted = new AtomicLong();
			ExecutorService threads = TestThreads.pool(16);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> results = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				RedisTokenBuckets buckets = instances.get(t % 2);
				results.add(threads.submit(() -> {
					start.await();
					for (int i = 0; i < 50; i++) {
						if (buckets.tryConsume(tier, "the-one-key", 1).isAllowed()) {
							admitted.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> result : results) {
				result.get();
			}
			threads.shutdown();
			// 800 checks within well under 36s (the time one token takes to come back).
			assertThat(admitted.get()).isEqualTo(100);
		}
	}

	@RepeatedTest(40)
	void admitsExactlyWhatALocalBucket4jBucketAdmitsForTheSameTimedSequence(RepetitionInfo repetition) {
		compareWithBucket4j(shared, repetition.getCurrentRepetition());
	}

	@Test
	void theScriptWorksOnRedis62() {
		try (RedisProbe probe = new RedisProbe(redis62.endpoint())) {
			assertThat(probe.commands().info("server")).contains("redis_version:6.2.");
			RedisTokenBuckets buckets = new RedisTokenBuckets(onRedis62.redis(), "r62");
			for (int i = 0; i < 5; i++) {
				assertThat(buckets.tryConsume(CHAT, "k", 1).isAllowed()).isTrue();
			}
			assertThat(buckets.tryConsume(CHAT, "k", 1).isAllowed()).isFalse();
			assertThat(probe.pttl(buckets.key("chat", "k"))).isBetween(49_000L, 50_000L);
		}
		for (int seed = 1000; seed < 1010; seed++) {
			compareWithBucket4j(onRedis62, seed);
		}
	}

	@Test
	void whileRedisIsDownEachTierDoesWhatItsOnRedisFailureSays() {
		RateLimitTier local = tier("local", OnRedisFailure.LOCAL, new RateLimitTier.Limit(2, 1, Duration.ofHours(1)));
		RateLimitTier allow = tier("allow", OnRedisFailure.ALLOW, new RateLimitTier.Limit(2, 1, Duration.ofHours(1)));
		RateLimitTier deny = tier("deny", OnRedisFailure.DENY, new RateLimitTier.Limit(2, 1, Duration.ofHours(1)));
		try (RedisProcess redis = TestRedis.startPrivate();
				TestGuardedRedis guarded = new TestGuardedRedis(redis.endpoint(), Duration.ofMillis(200))) {
			RateLimiters limiters = new RateLimiters(List.of(local, allow, deny),
					new RedisTokenBuckets(guarded.redis(), "outage"), TimeMeter.SYSTEM_NANOTIME, 100);
			assertThat(limiters.isDistributed()).isTrue();
			assertThat(limiters.get("local").check("k", 1).isDistributed()).isTrue();
			redis.stop();
			assertThatExceptionOfType(RedisUnavailableException.class)
				.isThrownBy(() -> new RedisTokenBuckets(guarded.redis(), "outage").tryConsume(local, "k", 1));
			TierRateLimiter localLimiter = limiters.get("local");
			assertThat(localLimiter.check("k", 1).isAllowed()).isTrue();
			RateLimitDecision fromLocal = localLimiter.check("k", 1);
			assertThat(fromLocal.isAllowed()).isTrue();
			assertThat(fromLocal.isDistributed()).isFalse();
			assertThat(localLimiter.check("k", 1).isAllowed()).isFalse();
			for (int i = 0; i < 5; i++) {
				assertThat(limiters.get("allow").check("k", 1).isAllowed()).isTrue();
				assertThat(limiters.get("deny").check("k", 1).isAllowed()).isFalse();
			}
			assertThat(limiters.get("deny").check("k", 1).retryAfterSeconds()).isEqualTo(1);
			assertThat(limiters.isDistributed()).isFalse();
		}
	}

	/**
	 * Replays one random sequence of calls, costs and pauses against the script (with
	 * the time passed in) and a Bucket4j bucket on the same clock: both admit the same
	 * calls and report the same tokens left.
	 */
	private static void compareWithBucket4j(TestGuardedRedis redis, long seed) {
		Random random = new Random(seed);
		RateLimitTier tier = randomTier(random);
		ManualTimeMeter time = new ManualTimeMeter();
		RateLimiters local = new RateLimiters(List.of(tier), null, time, 100);
		RateLimiters distributed = new RateLimiters(List.of(tier),
				new RedisTokenBuckets(redis.redis(), namespace(), time), time, 100);
		long capacity = tier.smallestCapacity();
		int admitted = 0;
		for (int step = 0; step < 150; step++) {
			time.advance(randomPause(random, tier));
			long cost = 1 + random.nextInt((int) Math.min(capacity, 8));
			RateLimitDecision expected = local.get(tier.name()).check("client", cost);
			RateLimitDecision actual = distributed.get(tier.name()).check("client", cost);
			String context = "seed " + seed + ", step " + step + ", " + tier + ", cost " + cost;
			assertThat(actual.isDistributed()).isTrue();
			assertThat(actual.isAllowed()).as(context).isEqualTo(expected.isAllowed());
			assertThat(actual.remaining()).as(context).isEqualTo(expected.remaining());
			assertThat(actual.limitIndex()).as(context).isEqualTo(expected.limitIndex());
			if (!expected.isAllowed()) {
				assertThat(actual.retryAfter().toNanos()).as(context)
					.isBetween(expected.retryAfter().toNanos() - 1000, expected.retryAfter().toNanos() + 1000);
			}
			admitted += expected.isAllowed() ? 1 : 0;
		}
		assertThat(admitted).as("seed " + seed + " admits some calls").isPositive();
	}

	private static RateLimitTier randomTier(Random random) {
		List<Duration> periods = List.of(Duration.ofMillis(1), Duration.ofMillis(7), Duration.ofMillis(250),
				Duration.ofSeconds(1), Duration.ofSeconds(13), Duration.ofMinutes(1), Duration.ofHours(1));
		int count = 1 + random.nextInt(3);
		List<RateLimitTier.Limit> limits = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			limits.add(new RateLimitTier.Limit(1 + random.nextInt(20), 1 + random.nextInt(10),
					periods.get(random.nextInt(periods.size()))));
		}
		return new RateLimitTier("random-" + UUID.randomUUID(), limits, OnRedisFailure.LOCAL);
	}

	/** Mostly short pauses, some none, some long enough to fill a bucket, at microsecond resolution. */
	private static Duration randomPause(Random random, RateLimitTier tier) {
		return switch (random.nextInt(4)) {
			case 0 -> Duration.ZERO;
			case 1 -> Duration.ofNanos(1000L * random.nextInt(1000));
			case 2 -> Duration.ofNanos(1000L * (long) (random.nextDouble() * tier.limits().get(0).refillPeriod().toNanos()
					/ 1000));
			default -> Duration.ofNanos(1000L * (long) (random.nextDouble() * tier.timeToFill().toNanos() / 1000 / 3));
		};
	}

	private static RateLimitTier tier(String name, OnRedisFailure onRedisFailure, RateLimitTier.Limit... limits) {
		return new RateLimitTier(name, List.of(limits), onRedisFailure);
	}

	private static String namespace() {
		return "rl-test-" + UUID.randomUUID();
	}


}
