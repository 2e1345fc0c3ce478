package dev.tiergate.cache.warmup;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that returns the entries to load into a tiered cache, as a
 * {@link CacheWarmer} would: the method takes no parameters and returns a {@code Map<K, V>},
 * whose declared value type {@code V} is the type the values are written as. A method of
 * another shape is refused at startup.
 * <pre class="code">
 * &#64;TieredCacheWarmer("products")
 * Map&lt;Long, Product&gt; hotProducts() {
 *     return repository.findBestSellers(500).stream().collect(toMap(Product::id, identity()));
 * }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TieredCacheWarmer {

	/**
	 * Returns the cache the entries go to.
	 * @return the cache name
	 */
	String value();

}
