package dev.tiergate.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Always invokes the method and stores its result in both tiers of a tiered cache,
 * replacing what was there. Use it on methods that update the cached resource.
 * <p>
 * A method carries at most one, and not together with {@link TieredCacheable}; anything
 * else fails startup, naming the method.
 *
 * @see TieredCacheable
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TieredCachePut {

	/**
	 * Name of the cache to write to.
	 * @return the cache name
	 */
	String value();

	/**
	 * SpEL expression computing the key, with the same variables as
	 * {@link TieredCacheable#key()} plus the method's result as {@code #result}. Empty
	 * means all arguments together.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * SpEL expression that, when it evaluates to {@code false}, skips the write.
	 * @return the condition expression
	 */
	String condition() default "";

	/**
	 * SpEL expression with the result as {@code #result}; when {@code true} the result is
	 * not stored.
	 * @return the veto expression
	 */
	String unless() default "";

}
