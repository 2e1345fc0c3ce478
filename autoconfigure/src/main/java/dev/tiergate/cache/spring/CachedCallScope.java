package dev.tiergate.cache.spring;

import org.jspecify.annotations.Nullable;

/**
 * One call of a method with Spring cache annotations, opened around Spring's cache aspect
 * by {@link CachedCallScopeAdvisor}: the single flights of keys it missed end with it
 * (see {@link MissFlights}). Scopes nest, each ending its own flights.
 */
final class CachedCallScope implements AutoCloseable {

	private static final ThreadLocal<@Nullable CachedCallScope> CURRENT = new ThreadLocal<>();

	private final @Nullable CachedCallScope outer;

	private final MissFlights.Owned owned = new MissFlights.Owned();

	private CachedCallScope(@Nullable CachedCallScope outer) {
		this.outer = outer;
	}

	static CachedCallScope open() {
		CachedCallScope scope = new CachedCallScope(CURRENT.get());
		CURRENT.set(scope);
		return scope;
	}

	static @Nullable CachedCallScope current() {
		return CURRENT.get();
	}

	void own(MissFlights.Flight flight) {
		this.owned.add(flight);
	}

	@Override
	public void close() {
		this.owned.endAll();
		if (this.outer != null) {
			CURRENT.set(this.outer);
		}
		else {
			CURRENT.remove();
		}
	}

}
