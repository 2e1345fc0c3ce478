package dev.tiergate.cache.warmup;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Declares the entries to load into a tiered cache before the application serves traffic
 * and, with {@code tiergate.cache.warmup.cron}, again on a schedule. A bean implementing it
 * is found by the auto-configuration; a bean method annotated with
 * {@link TieredCacheWarmer} is the same without the class.
 * <p>
 * The entries are written with the cache's own {@code put}: typed JSON of
 * {@link #valueType()} in L2, as the cached methods of the cache read them back, so the
 * keys must be those the methods use (for a method with one parameter, its argument; for
 * several, an {@code ArgumentsKey}). A warmer that throws is logged and counted; it never
 * stops the application.
 */
public interface CacheWarmer {

	/**
	 * Returns the cache to warm.
	 * @return the cache name, as in {@code @TieredCacheable} or {@code @Cacheable}
	 */
	String cacheName();

	/**
	 * Returns the declared type of the values, which the cache's readers decode them with:
	 * the return type of the cached methods, possibly generic ({@code List<Product>}).
	 * @return the value type
	 */
	Type valueType();

	/**
	 * Returns the entries to load. Called on tiergate's warm-up thread, once per run; the
	 * run stops putting when its time is over, and an interrupt tells a long computation
	 * that nobody waits for it any longer.
	 * @return the values by cache key
	 * @throws Exception when the entries cannot be computed; the run of this warmer fails
	 */
	Map<?, ?> entries() throws Exception;

}
