package dev.tiergate.ratelimit;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.RateLimitDecision.Enforcement;
import dev.tiergate.ratelimit.RateLimitDecision.Outcome;
import dev.tiergate.redis.RedisUnavailableException;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Checks calls against the buckets of one tier: the primary buckets (in Redis when the
 * application has it, in this JVM otherwise), and while Redis cannot be reached the
 * fallback that the tier's {@link OnRedisFailure} names. A call whose
 * {@link PlanResolver} names one of the tier's plans is checked against the plan's
 * buckets instead, with the plan's limits. The tier's main limit can be
 * {@linkplain #changeMainLimit changed} while it runs.
 */
public final class TierRateLimiter {

	private static final Log logger = LogFactory.getLog(TierRateLimiter.class);

	/** What a DENY tier tells clients to wait during an outage: about when the breaker probes Redis again. */
	private static final long DENY_RETRY_NANOS = Duration.ofSeconds(1).toNanos();

	/** What a call over the concurrency limit is told to wait: calls end at any time, so a short while. */
	private static final long CONCURRENCY_RETRY_NANOS = Duration.ofSeconds(1).toNanos();

	/** Unknown plan names warned about, at most: a resolver returning any text must not fill the memory. */
	private static final int MAX_UNKNOWN_PLANS_WARNED = 100;

	private final RateLimitTier configured;

	private final @Nullable TokenBuckets distributed;

	private final LocalTokenBuckets local;

	private final Map<String, Target> plans;

	private final PlanResolver planResolver;

	private final Set<String> unknownPlansWarned = ConcurrentHashMap.newKeySet();

	private final RateLimitStatistics statistics = new RateLimitStatistics();

	private final TiergateObservations observations;

	private final KeyValues observedAs;

	private final @Nullable ConcurrencyLeases leases;

	private final LocalConcurrencyLeases localLeases = new LocalConcurrencyLeases();

	private final LiveInstances liveInstances;

	/** The tier's own buckets with its limits now, which {@link #changeMainLimit} replaces. */
	private volatile Target main;

	TierRateLimiter(RateLimitTier tier, Map<String, List<RateLimitTier.Limit>> plans, PlanResolver planResolver,
			@Nullable TokenBuckets distributed, LocalTokenBuckets local,
			Function<RateLimitTier, LocalTokenBuckets> planBuckets, TiergateObservations observations,
			LiveInstances liveInstances, @Nullable ConcurrencyLeases distributedLeases) {
		this.leases = (tier.concurrency() == null) ? null
				: (distributedLeases != null) ? distributedLeases : this.localLeases;
		this.liveInstances = liveInstances;
		this.observations = observations;
		this.observedAs = KeyValues.of("tier", tier.name());
		this.configured = tier;
		this.distributed = distributed;
		this.local = local;
		this.main = new Target(tier, distributed, local, liveInstances);
		Map<String, Target> targets = new LinkedHashMap<>();
		plans.forEach((name, limits) -> {
			RateLimitTier plan = tier.plan(name, limits);
			targets.put(name, new Target(plan, distributed, planBuckets.apply(plan), liveInstances));
		});
		this.plans = Collections.unmodifiableMap(targets);
		this.planResolver = planResolver;
	}

	/**
	 * Returns the tier, with its limits now: as configured, or as {@linkplain #changeMainLimit
	 * changed} since.
	 * @return the tier
	 */
	public RateLimitTier tier() {
		return this.main.tier;
	}

	/**
	 * Returns the tier as configured, whatever changed its main limit since.
	 * @return the configured tier
	 */
	public RateLimitTier configuredTier() {
		return this.configured;
	}

	/**
	 * Returns whether the tier's main limit differs from the configured one now.
	 * @return whether changed
	 */
	public boolean isChanged() {
		return this.main.tier != this.configured;
	}

	/**
	 * Returns the plans of the tier by name, each as a tier named {@code <tier>:<plan>}.
	 * @return the plans
	 */
	public Map<String, RateLimitTier> plans() {
		Map<String, RateLimitTier> plans = new LinkedHashMap<>();
		this.plans.forEach((name, target) -> plans.put(name, target.tier));
		return plans;
	}

	/**
	 * Returns the smallest capacity of the tier as configured and of its plans: a call
	 * costing more could never be allowed under some plan.
	 * @return the smallest capacity
	 */
	public long smallestCapacity() {
		long smallest = this.configured.smallestCapacity();
		for (Target plan : this.plans.values()) {
			smallest = Math.min(smallest, plan.smallestCapacity);
		}
		return smallest;
	}

	/**
	 * Changes the tier's main limit in this JVM; its extra limits and plans stay. Buckets
	 * keep their tokens as a share of the new capacity.
	 * @param limit the new main limit, or {@code null} for the configured one
	 */
	public synchronized void changeMainLimit(RateLimitTier.@Nullable Limit limit) {
		RateLimitTier changed = (limit == null || limit.equals(this.configured.limits().get(0))) ? this.configured
				: this.configured.withMainLimit(limit);
		if (changed.equals(this.main.tier)) {
			return;
		}
		this.local.reconfigure(changed);
		this.main = new Target(changed, this.distributed, this.local, this.liveInstances);
	}

	/**
	 * Returns the checks of this tier since startup.
	 * @return the statistics
	 */
	public RateLimitStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Takes tokens from a client's bucket if it holds them. A tier in shadow mode answers
	 * a refusal as {@link RateLimitDecision.Outcome#SHADOW_REJECTED}, which lets the call
	 * go on.
	 * @param clientKey the client, as its key resolver or key expression gave it
	 * @param cost the tokens to take, at least 1 and at most the tier's smallest capacity
	 * @return the decision
	 * @throws IllegalArgumentException if the cost is out of that range: a call costing
	 * more than a capacity could never be allowed
	 */
	public RateLimitDecision check(String clientKey, long cost) {
		Target target = checkedTarget(clientKey, cost);
		RateLimitDecision decision = (this.observations.isEnabled() && target.primary != target.local)
				? observedCheck(target, clientKey, cost) : target.tryConsume(clientKey, cost);
		this.statistics.record(decision.outcome(), decision.enforcement());
		return decision;
	}

	/**
	 * Takes tokens from a client's bucket if it holds them, as {@link #check} does, without
	 * blocking: buckets in Redis get one asynchronous {@code EVALSHA}, and while Redis
	 * cannot be reached the tier's fallback decides. The stage completes on the thread
	 * that completes the check: the caller's for buckets in this JVM, Lettuce's I/O thread
	 * or the timeout's for buckets in Redis; callers hand long work over to their own
	 * executor.
	 * @param clientKey the client, as its key resolver or key expression gave it
	 * @param cost the tokens to take, at least 1 and at most the tier's smallest capacity
	 * @return the decision to come; it never fails for an outage
	 * @throws IllegalArgumentException if the cost is out of that range, at once
	 */
	public CompletionStage<RateLimitDecision> checkAsync(String clientKey, long cost) {
		Target target = checkedTarget(clientKey, cost);
		@Nullable Observation observation = (this.observations.isEnabled() && target.primary != target.local)
				? this.observations.start(TiergateObservations.RATE_LIMIT_CHECK, this.observedAs) : null;
		return target.tryConsumeAsync(clientKey, cost).whenComplete((decision, ex) -> {
			if (decision != null) {
				this.statistics.record(decision.outcome(), decision.enforcement());
			}
			if (observation != null) {
				if (decision != null) {
					observation.lowCardinalityKeyValue("result", decision.outcome().tag())
						.lowCardinalityKeyValue("mode", mode(decision));
				}
				else {
					observation.lowCardinalityKeyValue("result", "error").error(ex);
				}
				observation.stop();
			}
		});
	}

	/** The buckets that decide a call (the tier's or its plan's), once its cost is known to fit them. */
	private Target checkedTarget(String clientKey, long cost) {
		if (cost < 1) {
			throw new IllegalArgumentException("A call must cost at least 1 token but cost " + cost);
		}
		Target target = target(clientKey);
		// A cost fits the configured capacities (checked at startup); one above a capacity changed
		// since is rejected by the buckets, as never allowed, rather than failing the call.
		if (cost > target.smallestCapacity && (target != this.main || !isChanged())) {
			throw new IllegalArgumentException("A call of tier '" + target.tier.name() + "' must cost at most "
					+ target.smallestCapacity + " token(s), its smallest capacity, but cost " + cost);
		}
		return target;
	}

	private String mode(RateLimitDecision decision) {
		return (decision.enforcement() == Enforcement.DISTRIBUTED) ? "distributed"
				: this.configured.onRedisFailure().name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Returns whether calls of this tier need a {@link #acquire lease}.
	 * @return whether the tier has a concurrency limit
	 */
	public boolean limitsConcurrency() {
		return this.leases != null;
	}

	/**
	 * Takes a lease for a call of a client, if the tier's concurrency limit allows
	 * another call in flight; while Redis cannot be reached, as the tier's
	 * {@link OnRedisFailure} says (a lease in this JVM, no limit, or a rejection). A
	 * rejection is counted like one for tokens.
	 * @param clientKey the client
	 * @return the lease, to close when the call ends; {@link Lease#rejection()} says
	 * whether it was refused
	 * @throws IllegalStateException if the tier has no concurrency limit
	 */
	public Lease acquire(String clientKey) {
		ConcurrencyLeases leases = leases();
		try {
			return lease(leases, clientKey, leases.tryAcquire(this.configured, clientKey), false);
		}
		catch (RedisUnavailableException ex) {
			return leaseInOutage(leases, clientKey, false);
		}
	}

	/**
	 * Takes a lease as {@link #acquire} does, without blocking: leases in Redis get one
	 * asynchronous {@code EVALSHA}, and the lease releases itself without waiting when
	 * closed. The stage completes on the thread that completes the attempt (Lettuce's I/O
	 * thread or the timeout's for leases in Redis), as {@link #checkAsync}'s does.
	 * @param clientKey the client
	 * @return the lease to come; it never fails for an outage
	 * @throws IllegalStateException if the tier has no concurrency limit
	 */
	public CompletionStage<Lease> acquireAsync(String clientKey) {
		ConcurrencyLeases leases = leases();
		CompletionStage<@Nullable String> taken;
		try {
			taken = leases.tryAcquireAsync(this.configured, clientKey);
		}
		catch (RuntimeException ex) {
			taken = CompletableFuture.failedStage(ex);
		}
		return taken.handle((id, ex) -> {
			if (ex == null) {
				return lease(leases, clientKey, id, true);
			}
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			if (!(cause instanceof RedisUnavailableException)) {
				throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
			}
			return leaseInOutage(leases, clientKey, true);
		});
	}

	private ConcurrencyLeases leases() {
		ConcurrencyLeases leases = this.leases;
		if (leases == null) {
			throw new IllegalStateException("Tier '" + this.configured.name() + "' has no concurrency limit");
		}
		return leases;
	}

	/** While Redis cannot be reached: as the tier's {@link OnRedisFailure} says. */
	private Lease leaseInOutage(ConcurrencyLeases leases, String clientKey, boolean async) {
		Lease lease = switch (this.configured.onRedisFailure()) {
			case LOCAL -> lease(this.localLeases, clientKey, this.localLeases.tryAcquire(this.configured, clientKey),
					async);
			case ALLOW -> new Lease(null, clientKey, null, null, async);
			default -> lease(leases, clientKey, null, async);
		};
		lease.inOutage = true;
		return lease;
	}

	/**
	 * Takes tokens for a call that holds a lease of this tier, as {@link #check} does; a
	 * call whose lease found Redis unreachable goes straight to the tier's fallback, so
	 * that it waits for an unanswering Redis once, not once per step.
	 * @param clientKey the client, as its key resolver or key expression gave it
	 * @param cost the tokens to take, at least 1 and at most the tier's smallest capacity
	 * @param lease the call's lease, not rejected
	 * @return the decision
	 */
	public RateLimitDecision check(String clientKey, long cost, Lease lease) {
		if (!lease.inOutage) {
			return check(clientKey, cost);
		}
		RateLimitDecision decision = checkedTarget(clientKey, cost).tryConsumeInOutage(clientKey, cost);
		this.statistics.record(decision.outcome(), decision.enforcement());
		return decision;
	}

	/**
	 * Takes tokens for a call that holds a lease of this tier without blocking, as
	 * {@link #checkAsync} does, with the fallback of {@link #check(String, long, Lease)}.
	 * @param clientKey the client, as its key resolver or key expression gave it
	 * @param cost the tokens to take, at least 1 and at most the tier's smallest capacity
	 * @param lease the call's lease, not rejected
	 * @return the decision to come; it never fails for an outage
	 */
	public CompletionStage<RateLimitDecision> checkAsync(String clientKey, long cost, Lease lease) {
		// In an outage the fallback decides in this JVM, at once.
		return lease.inOutage ? CompletableFuture.completedFuture(check(clientKey, cost, lease))
				: checkAsync(clientKey, cost);
	}

	/** The lease of an id taken from a source, or the (counted) refusal when none was taken. */
	private Lease lease(ConcurrencyLeases source, String clientKey, @Nullable String id, boolean async) {
		if (id != null) {
			return new Lease(source, clientKey, id, null, async);
		}
		Enforcement enforcement = (source == this.localLeases) ? Enforcement.LOCAL : Enforcement.DISTRIBUTED;
		if (this.configured.mode() == RateLimitTier.Mode.SHADOW) {
			// The call goes on without a lease: it holds no place among the client's calls.
			this.statistics.record(Outcome.SHADOW_REJECTED, enforcement);
			return new Lease(null, clientKey, null, null, async);
		}
		this.statistics.record(Outcome.REJECTED, enforcement);
		return new Lease(null, clientKey, null,
				RateLimitDecision.rejectedForConcurrency(this.configured, enforcement, CONCURRENCY_RETRY_NANOS), async);
	}

	/**
	 * A call's place among a client's calls in flight, or its refusal.
	 */
	public final class Lease implements AutoCloseable {

		private final @Nullable ConcurrencyLeases source;

		private final String clientKey;

		private final @Nullable String id;

		private final @Nullable RateLimitDecision rejection;

		/** Whether it was taken for an asynchronous call, whose end must not wait for Redis. */
		private final boolean async;

		/** An asynchronous call may end by several paths (completion, cancellation): one releases. */
		private final AtomicBoolean closed = new AtomicBoolean();

		/** Whether Redis could not be reached when it was taken: its call's tokens skip Redis too. */
		private boolean inOutage;

		private Lease(@Nullable ConcurrencyLeases source, String clientKey, @Nullable String id,
				@Nullable RateLimitDecision rejection, boolean async) {
			this.source = source;
			this.clientKey = clientKey;
			this.id = id;
			this.rejection = rejection;
			this.async = async;
		}

		/**
		 * Returns the rejection of the call, when the client had as many calls in flight as
		 * the tier allows.
		 * @return the rejection, or {@code null} when the call may go on
		 */
		public @Nullable RateLimitDecision rejection() {
			return this.rejection;
		}

		/**
		 * Ends the lease, so that another call of the client may start (once: closing it again
		 * does nothing); a lease taken with
		 * {@link #acquireAsync} is released without waiting for Redis. A lease in Redis
		 * that cannot be released now expires after the tier's lease TTL.
		 */
		@Override
		public void close() {
			if (this.source == null || this.id == null || !this.closed.compareAndSet(false, true)) {
				return;
			}
			if (this.async) {
				// A failure is an outage GuardedRedis has logged; the lease expires on its own.
				this.source.releaseAsync(TierRateLimiter.this.configured, this.clientKey, this.id);
				return;
			}
			try {
				this.source.release(TierRateLimiter.this.configured, this.clientKey, this.id);
			}
			catch (RedisUnavailableException ex) {
				// GuardedRedis has logged the outage; the lease expires on its own.
			}
		}

	}

	/**
	 * Settles a call that {@link #check} allowed, once its actual cost is known or it
	 * failed, in the buckets that allowed it: a charge may leave them below empty (the
	 * next calls wait), a refund never fills them above full. It never throws: a
	 * settlement Redis cannot take is counted as failed, the call having already run.
	 * @param clientKey the client, as checked
	 * @param reservation the decision that allowed the call
	 * @param tokens the tokens to take, or when negative to give back; 0 does nothing
	 * @return whether it was settled (or there was nothing to settle)
	 */
	public boolean settle(String clientKey, RateLimitDecision reservation, long tokens) {
		if (tokens == 0 || reservation.isShadowRejected()) {
			// A shadow rejection took no tokens: nothing to give back or to charge on top.
			return true;
		}
		Target target = targetOf(reservation);
		@Nullable TokenBuckets buckets = target.localBucketsOf(reservation);
		if (buckets == null) {
			// Allowed without buckets (on-redis-failure allow): nothing was taken.
			return true;
		}
		try {
			buckets.settle(target.tier, clientKey, tokens);
		}
		catch (RedisUnavailableException ex) {
			// GuardedRedis has logged the outage; the call has run, so it is not failed for this.
			this.statistics.recordFailedSettlement();
			return false;
		}
		this.statistics.recordSettlement(tokens);
		return true;
	}

	/**
	 * Settles a call as {@link #settle} does, without blocking: for asynchronous calls,
	 * whose results complete on threads that must not wait for Redis.
	 * @param clientKey the client, as checked
	 * @param reservation the decision that allowed the call
	 * @param tokens the tokens to take, or when negative to give back; 0 does nothing
	 * @return whether it was settled (or there was nothing to settle), to come; it never
	 * fails
	 */
	public CompletionStage<Boolean> settleAsync(String clientKey, RateLimitDecision reservation, long tokens) {
		if (tokens == 0 || reservation.isShadowRejected()) {
			return CompletableFuture.completedFuture(true);
		}
		Target target = targetOf(reservation);
		@Nullable TokenBuckets buckets = target.localBucketsOf(reservation);
		if (buckets == null) {
			return CompletableFuture.completedFuture(true);
		}
		CompletionStage<@Nullable Void> settled;
		try {
			settled = buckets.settleAsync(target.tier, clientKey, tokens);
		}
		catch (RuntimeException ex) {
			settled = CompletableFuture.failedStage(ex);
		}
		return settled.handle((ignored, ex) -> {
			if (ex != null) {
				this.statistics.recordFailedSettlement();
				return false;
			}
			this.statistics.recordSettlement(tokens);
			return true;
		});
	}

	/**
	 * Counts a settlement that could not be made because the call's actual cost could not
	 * be computed.
	 */
	public void recordFailedSettlement() {
		this.statistics.recordFailedSettlement();
	}

	/** A check that goes to Redis, as an observation tagged with its result and where it was decided. */
	private RateLimitDecision observedCheck(Target target, String clientKey, long cost) {
		Observation observation = this.observations.start(TiergateObservations.RATE_LIMIT_CHECK, this.observedAs);
		try (Observation.Scope scope = observation.openScope()) {
			RateLimitDecision decision = target.tryConsume(clientKey, cost);
			observation.lowCardinalityKeyValue("result", decision.outcome().tag())
				.lowCardinalityKeyValue("mode", mode(decision));
			return decision;
		}
		catch (RuntimeException ex) {
			observation.lowCardinalityKeyValue("result", "error").error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/** The plan's buckets when the resolver names a plan of this tier, else the tier's own. */
	private Target target(String clientKey) {
		if (this.plans.isEmpty()) {
			return this.main;
		}
		String plan = this.planResolver.resolve(this.configured.name(), clientKey);
		if (plan == null) {
			return this.main;
		}
		Target target = this.plans.get(plan);
		if (target != null) {
			return target;
		}
		if (this.unknownPlansWarned.size() < MAX_UNKNOWN_PLANS_WARNED && this.unknownPlansWarned.add(plan)) {
			logger.warn("The PlanResolver chose plan '" + plan + "' of rate-limit tier '" + this.configured.name()
					+ "', which has no such plan (its plans are " + this.plans.keySet()
					+ "): such calls get the tier's own limits. Configure tiergate.rate-limit.tiers."
					+ this.configured.name() + ".plans." + plan + ", or return null for the tier's own limits");
		}
		return this.main;
	}

	/** The buckets that made a decision: the tier's own (as changed since, perhaps) or a plan's. */
	private Target targetOf(RateLimitDecision decision) {
		for (Target plan : this.plans.values()) {
			// By name: during an outage a decision names the instance's share of the plan.
			if (plan.tier.name().equals(decision.tier().name())) {
				return plan;
			}
		}
		return this.main;
	}

	void clearLocal() {
		this.local.deleteAll();
		this.main.fallback.deleteAll();
		this.plans.values().forEach((plan) -> {
			plan.local.deleteAll();
			plan.fallback.deleteAll();
		});
	}

	/**
	 * Returns the number of calls of a client in flight under leases in this JVM (without
	 * Redis, or during an outage).
	 * @param clientKey the client
	 * @return the calls in flight
	 */
	public int localCallsInFlight(String clientKey) {
		return this.localLeases.inFlight(clientKey);
	}

	/**
	 * Returns the number of buckets this tier and its plans hold in this JVM.
	 * @return the number of local buckets
	 */
	public long localBuckets() {
		long buckets = this.local.size() + this.main.fallbackSize();
		for (Target plan : this.plans.values()) {
			buckets += plan.local.size() + plan.fallbackSize();
		}
		return buckets;
	}

	/** The buckets of the tier or of one plan, with their fallback during an outage. */
	private static final class Target {

		private final RateLimitTier tier;

		private final long smallestCapacity;

		private final TokenBuckets primary;

		private final TokenBuckets fallback;

		private final LocalTokenBuckets local;

		private final boolean shadow;

		Target(RateLimitTier tier, @Nullable TokenBuckets distributed, LocalTokenBuckets local,
				LiveInstances liveInstances) {
			this.tier = tier;
			this.smallestCapacity = tier.smallestCapacity();
			this.primary = (distributed != null) ? distributed : local;
			this.fallback = fallback(tier, local, liveInstances);
			this.local = local;
			this.shadow = tier.mode() == RateLimitTier.Mode.SHADOW;
		}

		RateLimitDecision tryConsumeInOutage(String clientKey, long cost) {
			RateLimitDecision decision = this.fallback.tryConsume(this.tier, clientKey, cost);
			return this.shadow ? decision.shadowed() : decision;
		}

		/** A tier in shadow mode turns a refusal into a call that goes on, counted apart. */
		RateLimitDecision tryConsume(String clientKey, long cost) {
			RateLimitDecision decision;
			try {
				decision = this.primary.tryConsume(this.tier, clientKey, cost);
			}
			catch (RedisUnavailableException ex) {
				// GuardedRedis has logged the outage once and counts it; nothing to add per call.
				decision = this.fallback.tryConsume(this.tier, clientKey, cost);
			}
			return this.shadow ? decision.shadowed() : decision;
		}

		CompletionStage<RateLimitDecision> tryConsumeAsync(String clientKey, long cost) {
			CompletionStage<RateLimitDecision> decided;
			try {
				decided = this.primary.tryConsumeAsync(this.tier, clientKey, cost);
			}
			catch (RedisUnavailableException ex) {
				decided = this.fallback.tryConsumeAsync(this.tier, clientKey, cost);
				return this.shadow ? decided.thenApply(RateLimitDecision::shadowed) : decided;
			}
			decided = decided.exceptionallyCompose((ex) -> {
				Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
				// As for tryConsume: GuardedRedis has logged and counted the outage.
				return (cause instanceof RedisUnavailableException)
						? this.fallback.tryConsumeAsync(this.tier, clientKey, cost)
						: CompletableFuture.failedStage(cause);
			});
			return this.shadow ? decided.thenApply(RateLimitDecision::shadowed) : decided;
		}

		/** The local buckets that took a call allowed during an outage, or none when no bucket did. */
		@Nullable TokenBuckets localBucketsOf(RateLimitDecision decision) {
			if (decision.isDistributed()) {
				return this.primary;
			}
			if (this.primary == this.local) {
				return this.local;
			}
			return (this.tier.onRedisFailure() == OnRedisFailure.LOCAL) ? this.fallback : null;
		}

		long fallbackSize() {
			return (this.fallback instanceof FairShareBuckets shares) ? shares.size() : 0;
		}

		private static TokenBuckets fallback(RateLimitTier tier, LocalTokenBuckets local,
				LiveInstances liveInstances) {
			return switch (tier.onRedisFailure()) {
				case LOCAL -> new FairShareBuckets(tier, local, liveInstances);
				case ALLOW -> (checked, clientKey, cost) -> RateLimitDecision.allowed(checked, Enforcement.LOCAL, 0,
						checked.limits().get(0).capacity(), 0);
				case DENY -> (checked, clientKey, cost) -> RateLimitDecision.rejected(checked, Enforcement.LOCAL, 0, 0,
						checked.timeToFill().toNanos(), DENY_RETRY_NANOS);
			};
		}

	}

}
