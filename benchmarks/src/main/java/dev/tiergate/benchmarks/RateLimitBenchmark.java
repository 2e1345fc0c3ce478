package dev.tiergate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A rate-limit check of one client, the same hot key from every thread, with a tier so
 * large ({@value BenchmarkApplication#TIER_CAPACITY} tokens, refilled by
 * {@value BenchmarkApplication#TIER_REFILL_PER_HOUR} an hour) that no check is rejected:
 * <ul>
 * <li>{@code tiergateLocal}: tiergate's limiter of the tier ({@link TierRateLimiter}, the
 * bean the {@code @RateLimited} advice calls) in an application without Redis: the
 * client's Bucket4j bucket found in a Caffeine map, the decision with the tokens left for
 * the headers, the metrics;</li>
 * <li>{@code bucket4jLocal}: {@code tryConsume(1)} on one plain local Bucket4j bucket with
 * the same limit, the floor;</li>
 * <li>{@code bucket4jLocalPerClient}: Bucket4j as a per-client limiter with headers would
 * use it without tiergate: the client's bucket from a bounded Caffeine map, nanosecond
 * time, {@code tryConsumeAndReturnRemaining(1)}: the floor of {@code tiergateLocal};</li>
 * <li>{@code tiergateRedis}: the same limiter in an application with Redis: one
 * {@code EVALSHA} of tiergate's token-bucket script per check;</li>
 * <li>{@code bucket4jLettuce}: {@code tryConsume(1)} on a bucket of Bucket4j's Lettuce
 * proxy manager ({@code Bucket4jLettuce.casBasedBuilder}, compare-and-swap: a {@code GET},
 * then an {@code EVAL} that writes only if nobody wrote in between, retried when somebody
 * did).</li>
 * </ul>
 * The methods of this class run on 1 thread; those of {@link EightThreads} are the same on
 * 8 threads, all on the one hot key. Local checks are measured as time per check, Redis
 * checks as checks per second (all threads together). Redis is a private
 * {@code redis-server} of the test harness on loopback; the commands per check of the
 * Redis-backed limiters are counted ({@code INFO commandstats}) and printed after every
 * iteration as a {@code [redis]} line. Targets: {@code tiergateLocal} at most 1.5 times
 * the time of {@code bucket4jLocal}; {@code tiergateRedis} at least twice the throughput
 * of {@code bucket4jLettuce} on 8 threads, with exactly one command per check.
 * <p>
 * Run it alone from the project root:
 * <pre>
 * mvn -pl benchmarks -am verify -DskipTests -Pbenchmarks -Djmh.args="RateLimitBenchmark -prof gc"
 * </pre>
 */
@Threads(1)
public class RateLimitBenchmark {

	/** The client every check is for: one hot key. */
	static final String CLIENT = "hot";

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public RateLimitDecision tiergateLocal(Local local) {
		return local.limiter.check(CLIENT, 1);
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public boolean bucket4jLocal(Local local) {
		return local.bucket.tryConsume(1);
	}

	/**
	 * What any per-client limiter with rate-limit headers does on Bucket4j, without
	 * tiergate: the client's bucket from a bounded Caffeine map with expire-after-access,
	 * nanosecond time, and the probe that carries the tokens left and the time to full.
	 * The floor of {@code tiergateLocal}; the difference is tiergate's own.
	 */
	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public ConsumptionProbe bucket4jLocalPerClient(Local local) {
		return local.perClient.get(CLIENT, local.newBucket).tryConsumeAndReturnRemaining(1);
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public RateLimitDecision tiergateRedis(Distributed redis, Checks checks) {
		RateLimitDecision decision = redis.limiter.check(CLIENT, 1);
		checks.count++;
		if (!decision.isAllowed()) {
			checks.rejected++;
		}
		return decision;
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public boolean bucket4jLettuce(Distributed redis, Checks checks) {
		boolean allowed = redis.bucket.tryConsume(1);
		checks.count++;
		if (!allowed) {
			checks.rejected++;
		}
		return allowed;
	}

	/** The same benchmarks on 8 threads, all checking the one hot key. */
	@Threads(8)
	public static class EightThreads extends RateLimitBenchmark {

	}

	static BucketConfiguration bucket4jConfiguration() {
		return BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(BenchmarkApplication.TIER_CAPACITY)
				.refillGreedy(BenchmarkApplication.TIER_REFILL_PER_HOUR, Duration.ofHours(1)))
			.build();
	}

	/** tiergate in an application without Redis, and a plain Bucket4j bucket. */
	@State(Scope.Benchmark)
	public static class Local {

		ConfigurableApplicationContext context;

		TierRateLimiter limiter;

		Bucket bucket;

		Cache<String, Bucket> perClient;

		Function<String, Bucket> newBucket;

		@Setup
		public void start() {
			this.context = BenchmarkApplication.start(null);
			RateLimiters limiters = this.context.getBean(RateLimiters.class);
			if (limiters.isDistributed()) {
				throw new IllegalStateException("The local benchmark found Redis");
			}
			this.limiter = limiters.get(BenchmarkApplication.TIER);
			this.bucket = Bucket.builder().addLimit(bucket4jConfiguration().getBandwidths()[0]).build();
			this.perClient = Caffeine.newBuilder()
				.maximumSize(100_000)
				.expireAfterAccess(Duration.ofHours(1))
				.build();
			this.newBucket = (client) -> Bucket.builder()
				.withCustomTimePrecision(TimeMeter.SYSTEM_NANOTIME)
				.addLimit(bucket4jConfiguration().getBandwidths()[0])
				.build();
		}

		@TearDown
		public void stop() {
			this.context.close();
		}

	}

	/** tiergate in an application with Redis, and Bucket4j's Lettuce proxy manager on the same Redis. */
	@State(Scope.Benchmark)
	public static class Distributed {

		RedisProcess redis;

		ConfigurableApplicationContext context;

		TierRateLimiter limiter;

		RedisClient client;

		StatefulRedisConnection<byte[], byte[]> connection;

		Bucket bucket;

		RedisCommandCount commandCount;

		@Setup
		public void start() {
			this.redis = TestRedis.startPrivate();
			this.context = BenchmarkApplication.start(this.redis.endpoint());
			this.limiter = this.context.getBean(RateLimiters.class).get(BenchmarkApplication.TIER);
			this.client = RedisClient.create(this.redis.endpoint().uri());
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
			ProxyManager<byte[]> buckets = Bucket4jLettuce.casBasedBuilder(this.connection)
				// Like tiergate's keys, a bucket's key expires once it would be full again.
				.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ZERO))
				.build();
			this.bucket = buckets.builder()
				.build(("bench:bucket4j:" + CLIENT).getBytes(StandardCharsets.UTF_8),
						RateLimitBenchmark::bucket4jConfiguration);
			if (!this.limiter.check(CLIENT, 1).isDistributed() || !this.bucket.tryConsume(1)) {
				throw new IllegalStateException("A first check in Redis failed");
			}
			this.commandCount = new RedisCommandCount(this.redis.endpoint());
		}

		@Setup(Level.Iteration)
		public void resetCount() {
			this.commandCount.reset();
		}

		@TearDown(Level.Iteration)
		public void printCount(BenchmarkParams params) {
			System.out.println(count(params.getBenchmark().endsWith(".tiergateRedis"))
				.describe(params.getBenchmark() + " on " + params.getThreads() + " threads"));
			BenchmarkApplication.checkRedisInUse(this.context);
		}

		RedisCommandCount.Result count(boolean tiergate) {
			return this.commandCount.result(tiergate ? Distributed::sentByTiergate : Distributed::sentByBucket4j);
		}

		/**
		 * tiergate sends {@code EVALSHA} (or {@code EVAL} once, if the server lacks the
		 * script); its {@code token-bucket.lua} runs {@code TIME}, {@code GET} and, when
		 * the call is allowed, {@code SET}: none of those three is sent by a client here.
		 */
		static long sentByTiergate(RedisCommandCount.Calls calls) {
			return calls.total() - calls.of("TIME") - calls.of("GET") - calls.of("SET");
		}

		/**
		 * Bucket4j sends {@code GET} (the bucket's state) and {@code EVAL}: of its scripts,
		 * the compare-and-swap one runs a {@code GET} and, when nobody wrote in between,
		 * {@code PSETEX}; the one that creates the bucket runs {@code SET NX PX} alone. So
		 * the {@code GET}s that scripts ran are the {@code EVAL}s less the {@code SET}s.
		 */
		static long sentByBucket4j(RedisCommandCount.Calls calls) {
			long scriptGets = calls.of("EVAL") - calls.of("SET");
			return calls.total() - calls.of("PSETEX") - calls.of("SET") - scriptGets;
		}

		@TearDown
		public void stop() {
			this.commandCount.close();
			this.connection.close();
			this.client.shutdown();
			this.context.close();
			this.redis.close();
		}

	}

	/** The checks of one benchmark thread, for the commands per check. */
	@State(Scope.Thread)
	public static class Checks extends RedisCommandCount.Operations {

		@Setup
		public void register(Distributed redis) {
			redis.commandCount.register(this);
		}

	}

}
