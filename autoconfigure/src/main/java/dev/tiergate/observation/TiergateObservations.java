package dev.tiergate.observation;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Creates the observations tiergate makes, with low-cardinality tags only (cache, tier,
 * result, mode; never a key or a client):
 * <ul>
 * <li>{@value #CACHE_GET}: a cache read that missed L1, with the children
 * {@value #CACHE_L2_READ} and {@value #CACHE_LOAD} (tag {@code by}: {@code this-instance},
 * or {@code other-instance} while this instance waits for the lock holder's value);</li>
 * <li>{@value #RATE_LIMIT_CHECK}: a rate-limit check that goes to Redis.</li>
 * </ul>
 * An L1 hit is observed only when asked for: it costs nanoseconds, and an observation per
 * hit would flood traces.
 */
public final class TiergateObservations {

	/** A cache read that missed L1. */
	public static final String CACHE_GET = "tiergate.cache.get";

	/** The L2 read of a cache read. */
	public static final String CACHE_L2_READ = "tiergate.cache.l2.read";

	/** The load of a cache read: the method here, or the wait for another instance's load. */
	public static final String CACHE_LOAD = "tiergate.cache.load";

	/** A rate-limit check sent to Redis. */
	public static final String RATE_LIMIT_CHECK = "tiergate.ratelimit.check";

	/** No observations at all. */
	public static final TiergateObservations NONE = new TiergateObservations(ObservationRegistry.NOOP, false);

	private final ObservationRegistry registry;

	private final boolean enabled;

	private final boolean l1Hits;

	/**
	 * Creates the observations of an application.
	 * @param registry the registry observations go to
	 * @param l1Hits whether reads answered by L1 are observed too
	 */
	public TiergateObservations(ObservationRegistry registry, boolean l1Hits) {
		this.registry = registry;
		this.enabled = !registry.isNoop();
		this.l1Hits = this.enabled && l1Hits;
	}

	/**
	 * Returns whether anything is observed; when not, callers skip every observation.
	 * @return whether the registry is a real one
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Returns whether reads answered by L1 are observed.
	 * @return whether L1 hits are observed
	 */
	public boolean observesL1Hits() {
		return this.l1Hits;
	}

	/**
	 * Starts an observation, the child of the current one if any.
	 * @param name the observation's name, one of this class's constants
	 * @param tags its low-cardinality tags known at the start
	 * @return the started observation, to be stopped by the caller
	 */
	public Observation start(String name, KeyValues tags) {
		return Observation.createNotStarted(name, this.registry)
			.contextualName(name.replace('.', ' '))
			.lowCardinalityKeyValues(tags)
			.start();
	}

	/**
	 * Runs a step as an observation of its own, the child of the current one, and tags it
	 * with the outcome the step reports.
	 * @param <T> the step's result
	 * @param name the observation's name
	 * @param tags its low-cardinality tags known at the start
	 * @param step the step
	 * @param outcome the tag value of {@code result} for what the step returned
	 * @return what the step returned
	 * @throws Throwable what the step threw, after tagging the observation with it
	 */
	public <T extends @Nullable Object> T observe(String name, KeyValues tags, Step<T> step, Outcome<T> outcome)
			throws Throwable {
		Observation observation = start(name, tags);
		try (Observation.Scope scope = observation.openScope()) {
			T value = step.run();
			observation.lowCardinalityKeyValue("result", outcome.of(value));
			return value;
		}
		catch (Throwable ex) {
			observation.lowCardinalityKeyValue("result", "error");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * A step that may throw anything, as a cached method may.
	 * @param <T> its result
	 */
	@FunctionalInterface
	public interface Step<T extends @Nullable Object> {

		/**
		 * Runs the step.
		 * @return its result
		 * @throws Throwable whatever it throws
		 */
		T run() throws Throwable;

	}

	/**
	 * The {@code result} tag of a step's value.
	 * @param <T> the step's result
	 */
	@FunctionalInterface
	public interface Outcome<T extends @Nullable Object> {

		/**
		 * Returns the tag value for a result.
		 * @param value the step's result
		 * @return a value from a small fixed set
		 */
		String of(T value);

	}

}
