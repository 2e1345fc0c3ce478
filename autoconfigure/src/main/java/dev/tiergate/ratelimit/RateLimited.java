package dev.tiergate.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often a method may be called, per client, with a token bucket of a tier
 * configured under {@code tiergate.rate-limit.tiers.<tier>}. Each call takes
 * {@link #cost()} tokens; when the bucket does not hold them the method is not invoked
 * and a {@link RateLimitExceededException} is thrown, which a Spring MVC application
 * answers with HTTP 429 and an {@code application/problem+json} body.
 * <p>
 * On a class, it applies to every public method of the class. The annotation that
 * applies is found as Spring finds its own: on the method (or the superclass method it
 * overrides), then on the class, then on the interface method it implements, then on the
 * interface; the first that declares one wins. It may compose your own annotations; a
 * method that carries two fails startup, naming the method. Methods of one tier share their buckets: a client's calls to
 * any {@code "chat"} method draw from the same tokens. The buckets live in Redis when
 * tiergate has one, so every instance of the application shares them, and in this JVM
 * otherwise.
 * <p>
 * It runs before {@code @TieredCacheable} by default, so an answer from the cache still
 * takes tokens.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

	/**
	 * Name of the tier, configured under {@code tiergate.rate-limit.tiers.<name>}; an
	 * unknown tier fails the application at startup.
	 * @return the tier
	 */
	String value();

	/**
	 * SpEL expression computing the client the bucket belongs to, evaluated against the
	 * method arguments: {@code #userId}, {@code #p0}, {@code #request.tenant}. Empty (the
	 * default) means the tier's key resolver ({@code ip}, {@code user},
	 * {@code header:<name>} or {@code global}); outside an HTTP request a request-based
	 * resolver has no client, and every such call shares the bucket {@code "none"}.
	 * <p>
	 * The value names the bucket by what it is: its {@code toString()}, except arrays and
	 * collections (by their elements; sets and maps whatever their order) and records (by
	 * their components). A value whose {@code toString()} is {@code Object}'s, whose text
	 * would differ on every call, is refused with an {@link IllegalStateException}.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * Number of tokens one call takes; at least 1 and at most the smallest capacity of
	 * the tier.
	 * @return the cost
	 */
	long cost() default 1;

	/**
	 * SpEL expression computing the number of tokens one call takes, for example
	 * {@code #prompt.length() / 100 + 1}; when set it replaces {@link #cost()}. The result
	 * is charged exactly, never rounded or clamped: it must be a whole number (of any
	 * {@link Number} type; {@code 2.0} is 2) from 0 to the tier's smallest capacity. 0 is a
	 * free call: it takes no token and is not checked. Anything else (negative, as an
	 * {@code int} expression that overflowed becomes; a fraction; beyond a {@code long};
	 * more than the capacity, which no wait could ever allow) is refused with a
	 * {@link RateLimitCostException} and the method is not invoked. Use {@code long}
	 * arithmetic ({@code #items * 1000L}) where an {@code int} could overflow.
	 * @return the cost expression
	 */
	String costExpression() default "";

	/**
	 * SpEL expression computing what a call actually cost, once it has returned, from
	 * {@code #result} and the arguments: for example
	 * {@code #result.usage().totalTokens()} of an LLM answer (a token budget). The estimate
	 * ({@link #cost()} or {@link #costExpression()}) is taken before the call, atomically,
	 * so concurrent calls cannot overshoot the budget; afterwards the difference is given
	 * back or taken, in one more round trip to Redis only when it is not 0. A charge may
	 * leave the bucket below empty (at most one capacity), which delays the next calls; it
	 * never fails the finished call: an expression that fails or computes no whole number
	 * of tokens (0 or more), and Redis that cannot be reached, are logged and counted
	 * ({@code tiergate.ratelimit.settlements.failed}), and the estimate stands. Empty (the
	 * default) means the estimate is the cost. The rate-limit headers describe the check
	 * before the call. For a {@code CompletableFuture}, {@code CompletionStage} or
	 * {@code Mono} {@code #result} is the value it completes with, for a {@code Flux} the
	 * list of its elements, settled when it completes; a cancelled one keeps its estimate.
	 * @return the actual cost expression
	 */
	String actualCostExpression() default "";

	/**
	 * Whether a call that throws gives back the tokens it took, when
	 * {@link #actualCostExpression()} is set; without one a failed call costs what a
	 * successful one does, so failing calls (a wrong password) cannot be sent for free.
	 * @return whether to refund on an exception
	 */
	boolean refundOnError() default true;

}
