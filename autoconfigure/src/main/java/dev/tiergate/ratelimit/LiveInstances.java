package dev.tiergate.ratelimit;

/**
 * How many instances of the application were alive when this one last looked: during a
 * Redis outage each instance's local buckets of an {@link OnRedisFailure#LOCAL} tier hold
 * that share of the tier's limits, so that all of them together admit about what the
 * shared buckets in Redis would have.
 */
@FunctionalInterface
public interface LiveInstances {

	/** One instance: this one, as without Redis or with the fair share switched off. */
	LiveInstances ONE = () -> 1;

	/**
	 * Returns the number of instances last seen alive, this one included.
	 * @return the count, at least 1
	 */
	int count();

}
