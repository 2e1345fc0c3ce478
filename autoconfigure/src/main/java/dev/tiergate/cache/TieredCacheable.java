package dev.tiergate.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the result of a method in two tiers: a Caffeine cache in this JVM (L1) in front
 * of Redis (L2). A call first looks in L1, then in L2, and only when both miss invokes
 * the method, writing the result to both tiers. Concurrent callers of one missing key in
 * one JVM wait for a single invocation.
 * <p>
 * Exceptions thrown by the method are never cached. {@code null} results (and empty
 * {@link java.util.Optional}s) are cached only when {@code cache-nulls} is enabled for
 * the cache. L2 values are stored as JSON bound to the method's declared return type.
 * <p>
 * The annotations go on methods, or on your own annotations to compose them. As with
 * Spring's cache annotations, those on a method replace the ones on the interface or
 * superclass method it implements or overrides. A method carries at most one
 * {@code @TieredCacheable} and never with {@link TieredCachePut}: anything else fails
 * startup, naming the method.
 *
 * @see TieredCacheEvict
 * @see TieredCachePut
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TieredCacheable {

	/**
	 * Name of the cache, configured under {@code tiergate.cache.caches.<name>}. A cache
	 * that is not configured there uses {@code tiergate.cache.defaults}.
	 * @return the cache name
	 */
	String value();

	/**
	 * SpEL expression computing the key, evaluated against the method arguments:
	 * {@code #id}, {@code #p0} or {@code #a0}, {@code #root.args}, {@code #root.method}.
	 * Empty (the default) means all arguments together.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * SpEL expression that, when it evaluates to {@code false}, bypasses the cache: the
	 * method is invoked and nothing is read or written. Empty means always cache.
	 * @return the condition expression
	 */
	String condition() default "";

	/**
	 * SpEL expression evaluated after the method returned, with the result as
	 * {@code #result}; when it evaluates to {@code true} the result is returned but not
	 * stored. Empty means always store.
	 * @return the veto expression
	 */
	String unless() default "";

}
