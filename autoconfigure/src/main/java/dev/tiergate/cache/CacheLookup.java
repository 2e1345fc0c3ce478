package dev.tiergate.cache;

/**
 * Where the value of a call through a tiered cache came from, as RFC 9211's
 * {@code Cache-Status} reports it.
 */
public enum CacheLookup {

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

	CacheLookup(String parameters) {
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
