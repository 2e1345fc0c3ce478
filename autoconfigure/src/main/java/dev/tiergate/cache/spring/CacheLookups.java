package dev.tiergate.cache.spring;

import org.jspecify.annotations.Nullable;

/**
 * Records, for the calls made on one thread inside a scope (an HTTP request), where the
 * last value through a tiered cache came from; outside a scope, recording costs one
 * thread-local read.
 */
public final class CacheLookups {

	private static final ThreadLocal<@Nullable Scope> CURRENT = new ThreadLocal<>();

	private CacheLookups() {
	}

	/**
	 * Opens a scope on this thread, replacing any open one.
	 * @return the scope, to read and to close
	 */
	public static Scope open() {
		Scope scope = new Scope();
		CURRENT.set(scope);
		return scope;
	}

	static void record(String cacheName, CacheLookup lookup) {
		Scope scope = CURRENT.get();
		if (scope != null) {
			scope.cacheName = cacheName;
			scope.lookup = lookup;
		}
	}

	/**
	 * Returns the scope open on this thread.
	 * @return the scope, or {@code null}
	 */
	public static @Nullable Scope current() {
		return CURRENT.get();
	}

	/**
	 * The lookups of one scope.
	 */
	public static final class Scope implements AutoCloseable {

		private @Nullable String cacheName;

		private @Nullable CacheLookup lookup;

		private Scope() {
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
		public @Nullable CacheLookup lookup() {
			return this.lookup;
		}

		/**
		 * Records that a call bypassed the tiers and stored its fresh result.
		 * @param cacheName the cache
		 */
		public void bypassed(String cacheName) {
			this.cacheName = cacheName;
			this.lookup = CacheLookup.BYPASS;
		}

		@Override
		public void close() {
			if (CURRENT.get() == this) {
				CURRENT.remove();
			}
		}

	}

}
