package dev.tiergate.cache;

/**
 * Failures a {@link TieredCache} absorbs instead of passing them to the caller.
 */
public enum CacheErrorKind {

	/** A Redis command failed or timed out; the call went on without L2. */
	REDIS("redis"),

	/** Bytes in L2 could not be decoded; treated as a miss and overwritten. */
	DECODE("decode"),

	/** A result could not be encoded; it was kept in L1 only. */
	ENCODE("encode"),

	/** A key could not be encoded for Redis; the call went on without L2. */
	KEY("key"),

	/** A value was larger than the largest value written to L2; it was kept in L1 only. */
	TOO_LARGE("too-large");

	private final String tag;

	CacheErrorKind(String tag) {
		this.tag = tag;
	}

	/**
	 * Returns the value of the {@code kind} metric tag.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
