package dev.tiergate.cache.spring;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The calls of methods with Spring cache annotations open on one thread, each opened
 * around Spring's cache aspect by {@link CachedCallScopeAdvisor}: the single flights of
 * keys a call missed end with it (see {@link MissFlights}). Calls nest, each ending its
 * own flights. One per thread, reused: opening and closing a call allocates nothing and
 * leaves the thread's map of locals alone, which an L1 hit cannot afford.
 */
final class CachedCallScope {

	private static final ThreadLocal<CachedCallScope> CURRENT = ThreadLocal.withInitial(CachedCallScope::new);

	/** The flights owned by the open calls, the innermost call's last. */
	private final List<MissFlights.Flight> owned = new ArrayList<>(2);

	private int openCalls;

	private CachedCallScope() {
	}

	/**
	 * Opens a call on this thread.
	 * @return the scope of the thread, to {@link #close(int)} the call with its mark
	 */
	static CachedCallScope open() {
		CachedCallScope scope = CURRENT.get();
		scope.openCalls++;
		return scope;
	}

	/** Returns the scope of this thread while a call is open on it. */
	static @Nullable CachedCallScope current() {
		CachedCallScope scope = CURRENT.get();
		return (scope.openCalls > 0) ? scope : null;
	}

	/** Returns the mark of the call opened last: the flights it will own come after it. */
	int mark() {
		return this.owned.size();
	}

	void own(MissFlights.Flight flight) {
		this.owned.add(flight);
	}

	/** Closes the call opened last, ending the flights it owns. */
	void close(int mark) {
		for (int i = this.owned.size() - 1; i >= mark; i--) {
			this.owned.remove(i).end();
		}
		this.openCalls--;
	}

}
