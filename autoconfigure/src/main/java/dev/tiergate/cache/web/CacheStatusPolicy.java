package dev.tiergate.cache.web;

/**
 * Which caches report through {@code Cache-Status} and which let a request's
 * {@code Cache-Control: no-cache} bypass them.
 */
public interface CacheStatusPolicy {

	/**
	 * Returns whether responses whose result came through a cache say so in a
	 * {@code Cache-Status} header.
	 * @param cacheName the cache
	 * @return whether the header is written
	 */
	boolean reportsStatus(String cacheName);

	/**
	 * Returns whether a request's {@code Cache-Control: no-cache} makes its calls skip a
	 * cache's tiers and store their fresh results.
	 * @param cacheName the cache
	 * @return whether such requests bypass the cache
	 */
	boolean honoursNoCache(String cacheName);

}
