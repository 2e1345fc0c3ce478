package dev.tiergate.demo;

/**
 * Where the value of a product lookup came from, as the {@code X-Cache} header tells it.
 * The constants are ordered from the nearest source to the farthest: a lookup that went
 * further reports the farther one.
 *
 * @see CacheSourceTrace
 */
public enum CacheSource {

	/** The lookup was answered from this JVM's Caffeine cache. */
	L1,

	/** L1 missed and Redis had the value. */
	L2,

	/** Both tiers missed and the slow backend was called. */
	BACKEND

}
