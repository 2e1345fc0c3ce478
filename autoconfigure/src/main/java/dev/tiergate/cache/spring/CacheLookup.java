package dev.tiergate.cache.spring;

/**
 * Where the value of a call through a tiered cache came from, as RFC 9211's
 * {@code Cache-Status} reports it.
 */
public enum CacheLookup {

	/** Found in this instance's L1. */
	L1_HIT,

	/** Found in the shared L2. */
	L2_HIT,

	/** Neither tier had it: the method ran and its result was stored. */
	STORED,

	/** Neither tier had it: the method ran and its result was not stored. */
	NOT_STORED,

	/** The tiers were not consulted for this call. */
	BYPASS

}
