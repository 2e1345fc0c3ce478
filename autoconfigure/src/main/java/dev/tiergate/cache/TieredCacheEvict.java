package dev.tiergate.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Removes an entry, or all entries, of a tiered cache from both tiers when the method is
 * invoked. By default the eviction happens after the method returned normally, so a
 * failing update leaves the cache as it was.
 *
 * @see TieredCacheable
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TieredCacheEvict {

	/**
	 * Name of the cache to evict from.
	 * @return the cache name
	 */
	String value();

	/**
	 * SpEL expression computing the key to evict, with the same variables as
	 * {@link TieredCacheable#key()}. Empty means all arguments together. Ignored when
	 * {@link #allEntries()} is set.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * Whether to remove every entry of the cache instead of one key. In Redis this uses
	 * incremental {@code SCAN} and {@code UNLINK}, never {@code KEYS}.
	 * @return whether to clear the whole cache
	 */
	boolean allEntries() default false;

	/**
	 * Whether to evict before the method is invoked, so the eviction happens even when
	 * the method throws.
	 * @return whether to evict before the invocation
	 */
	boolean beforeInvocation() default false;

}
