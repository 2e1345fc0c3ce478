package dev.tiergate.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Removes an entry, or all entries, of a tiered cache from both tiers when the method is
 * invoked. By default the eviction happens after the method returned normally, so a
 * failing update leaves the cache as it was.
 * <p>
 * It is repeatable: several on one method, written directly or through composed
 * annotations, all evict. As with Spring's cache annotations, the annotations on a method
 * replace those on the interface or superclass method it implements or overrides.
 *
 * @see TieredCacheable
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(TieredCacheEvict.List.class)
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

	/**
	 * Holds several {@code @TieredCacheEvict} on one method; the compiler writes it when
	 * the annotation is repeated.
	 */
	@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface List {

		/**
		 * The evictions, applied in order.
		 * @return the evictions
		 */
		TieredCacheEvict[] value();

	}

}
