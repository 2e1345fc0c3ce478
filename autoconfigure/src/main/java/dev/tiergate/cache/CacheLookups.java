package dev.tiergate.cache;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Where the calls through tiered caches made on one thread inside a scope (an HTTP
 * request) found their values, and whether the scope asks them to bypass the tiers. Outside
 * a scope, a call pays one thread-local read.
 */
public final class CacheLookups {

	private static final ThreadLocal<@Nullable Scope> CURRENT = new ThreadLocal<>();

	/** Whether any scope was ever opened: until then an L1 hit pays no thread-local lookup. */
	private static volatile boolean used;

	private CacheLookups() {
	}

	/**
	 * Opens a scope on this thread, replacing any open one.
	 * @param bypass the caches whose tiers calls of this scope skip, storing their fresh
	 * results
	 * @return the scope, to read and to close
	 */
	public static Scope open(Predicate<String> bypass) {
		Scope scope = new Scope(bypass);
		used = true;
		CURRENT.set(scope);
		return scope;
	}

	/**
	 * Records where a call found its value, if a scope is open.
	 * @param cacheName the cache
	 * @param lookup where the value came from
	 */
	public static void record(String cacheName, Lookup lookup) {
		if (!used) {
			return;
		}
		Scope scope = CURRENT.get();
		if (scope != null) {
			scope.cacheName = cacheName;
			scope.lookup = lookup;
		}
	}

	/**
	 * Returns whether calls to a cache skip its tiers, as the open scope asks.
	 * @param cacheName the cache
	 * @return whether to bypass the tiers
	 */
	public static boolean bypasses(String cacheName) {
		if (!used) {
			return false;
		}
		Scope scope = CURRENT.get();
		return scope != null && scope.bypass.test(cacheName);
	}

	/**
	 * The lookups of one scope.
	 */
	public static final class Scope implements AutoCloseable {

		private final Predicate<String> bypass;

		private @Nullable String cacheName;

		private @Nullable Lookup lookup;

		private Scope(Predicate<String> bypass) {
			this.bypass = bypass;
		}

		/**
		 * Returns the cache of the last lookup.
		 * @return the cache name, or {@code null} before any lookup
		 */
		public @Nullable String cacheName() {
			return this.cacheName;
		}

		/**
		 * Returns the outcome of the last lookup.
		 * @return the outcome, or {@code null} before any lookup
		 */
		public @Nullable Lookup lookup() {
			return this.lookup;
		}

		@Override
		public void close() {
			if (CURRENT.get() == this) {
				CURRENT.remove();
			}
		}

	}

	/**
	 * Where the value of a call through a tiered cache came from, as RFC 9211's
	 * {@code Cache-Status} reports it.
	 */
	public enum Lookup {

		/** Found in this instance's L1: {@code hit; detail=l1}. */
		L1_HIT("hit; detail=l1"),

		/** Found in the shared L2: {@code hit; detail=l2}. */
		L2_HIT("hit; detail=l2"),

		/** Neither tier had it; the method ran and its result was stored: {@code fwd=miss; stored}. */
		STORED("fwd=miss; stored"),

		/** Neither tier had it; the method ran and its result was not stored: {@code fwd=miss}. */
		NOT_STORED("fwd=miss"),

		/** Neither tier had it; the call waited for another call's load of the same key. */
		COLLAPSED("fwd=miss; collapsed"),

		/** The tiers were not consulted (the request asked for no-cache); the result was stored. */
		BYPASS("fwd=bypass");

		private final String parameters;

		Lookup(String parameters) {
			this.parameters = parameters;
		}

		/**
		 * Returns the parameters of a {@code Cache-Status} entry that says this.
		 * @return the parameters, for example {@code hit; detail=l1}
		 */
		public String cacheStatusParameters() {
			return this.parameters;
		}

	}

}
