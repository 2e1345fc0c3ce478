package dev.tiergate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.redis.RedisTokenBuckets;
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
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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
 * <li>{@code tiergateRedisShadow}: the same check of a tier in shadow mode
 * ({@code mode: shadow}), which must cost what the enforced check does;</li>
 * <li>{@code tiergateRedisSettled}: a token budget whose actual cost differs from its
 * estimate: the check, then the settlement the advice sends after the call
 * ({@code TierRateLimiter.settle}): two {@code EVALSHA}, one more round trip;</li>
 * <li>{@code rawEvalsha}: the floor of {@code tiergateRedis}: the same token-bucket script
 * (the same bytes, so the same SHA-1), key and arguments that tiergate sends for the check,
 * as a plain synchronous {@code EVALSHA} of Lettuce on a connection of its own (shared by
 * the threads, as tiergate's is), the reply left as Lettuce decodes it; the difference is
 * tiergate's own (the client key's hash, the guard's timeout and circuit breaker, the
 * decision, the metrics);</li>
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
 * of {@code bucket4jLettuce} on 8 threads, with exactly one command per check, and at
 * least 0.9 times the throughput of {@code rawEvalsha} on 1 and on 8 threads.
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
		return checks.counted(redis.limiter.check(CLIENT, 1));
	}

	/** The same check of a tier in shadow mode: it must cost what an enforced check does. */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public RateLimitDecision tiergateRedisShadow(Distributed redis, Checks checks) {
		return checks.counted(redis.shadowLimiter.check(CLIENT, 1));
	}

	/**
	 * A token budget whose actual cost differs from its estimate: the check of an estimate
	 * of 2, then the settlement of 1 given back, as the advice does after the call. It
	 * must add one round trip, no more.
	 */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public boolean tiergateRedisSettled(Distributed redis, Checks checks) {
		RateLimitDecision decision = checks.counted(redis.limiter.check(CLIENT, 2));
		return decision.isAllowed() && redis.limiter.settle(CLIENT, decision, -1);
	}

	/**
	 * One round trip of tiergate's script without tiergate: what {@code tiergateRedis}
	 * cannot beat.
	 */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public List<Long> rawEvalsha(Distributed redis, Checks checks) {
		List<Long> reply = redis.rawCommands.evalsha(redis.scriptSha1, ScriptOutputType.MULTI, redis.rawKeys,
				redis.rawArguments);
		checks.count++;
		if (reply.get(0) != 1) {
			checks.rejected++;
		}
		return reply;
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

		TierRateLimiter shadowLimiter;

		RedisClient client;

		StatefulRedisConnection<byte[], byte[]> connection;

		Bucket bucket;

		RedisCommandCount commandCount;

		RedisCommands<byte[], byte[]> rawCommands;

		String scriptSha1;

		byte[][] rawKeys;

		byte[][] rawArguments;

		@Setup
		public void start() {
			this.redis = TestRedis.startPrivate();
			this.context = BenchmarkApplication.start(this.redis.endpoint());
			this.limiter = this.context.getBean(RateLimiters.class).get(BenchmarkApplication.TIER);
			this.shadowLimiter = this.context.getBean(RateLimiters.class).get(BenchmarkApplication.SHADOW_TIER);
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
			startRaw();
			this.commandCount = new RedisCommandCount(this.redis.endpoint());
		}

		/**
		 * The script as tiergate ships it, loaded by hand, and what tiergate's check of
		 * {@link #CLIENT} sends: its bucket key, then the server's clock (an empty time),
		 * a cost of 1, and the capacity, units per token and units per microsecond of the
		 * tier's one limit.
		 */
		private void startRaw() {
			byte[] script;
			try (InputStream in = RedisTokenBuckets.class.getResourceAsStream("token-bucket.lua")) {
				if (in == null) {
					throw new IllegalStateException("token-bucket.lua is missing beside " + RedisTokenBuckets.class);
				}
				script = in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.rawCommands = this.connection.sync();
			this.scriptSha1 = this.rawCommands.scriptLoad(script);
			RedisTokenBuckets buckets = this.context.getBean(RedisTokenBuckets.class);
			this.rawKeys = new byte[][] { buckets.key(BenchmarkApplication.TIER, CLIENT).getBytes(StandardCharsets.UTF_8) };
			RateLimitTier.Limit limit = this.limiter.tier().limits().get(0);
			this.rawArguments = new byte[][] { new byte[0], ascii(1), ascii(limit.capacity()), ascii(limit.scale()),
					ascii(limit.unitsPerMicro()) };
			List<Long> reply = this.rawCommands.evalsha(this.scriptSha1, ScriptOutputType.MULTI, this.rawKeys,
					this.rawArguments);
			if (reply.get(0) != 1) {
				throw new IllegalStateException("A first raw script call was rejected: " + reply);
			}
		}

		private static byte[] ascii(long value) {
			return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
		}

		@Setup(Level.Iteration)
		public void resetCount() {
			this.commandCount.reset();
		}

		@TearDown(Level.Iteration)
		public void printCount(BenchmarkParams params) {
			boolean tiergateScript = !params.getBenchmark().endsWith(".bucket4jLettuce");
			System.out.println(count(tiergateScript)
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
		 * {@code rawEvalsha} sends the same.
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

		/** Counts a check of tiergate's limiter, and its rejection. */
		RateLimitDecision counted(RateLimitDecision decision) {
			this.count++;
			if (!decision.isAllowed()) {
				this.rejected++;
			}
			return decision;
		}

	}

}
