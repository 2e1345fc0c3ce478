package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.RateLimited;

/**
 * A class-level annotation, and a method that overrides it.
 */
@RateLimited(value = "content", key = "'reports'")
public class Reports {

	public String daily() {
		return "daily";
	}

	@RateLimited(value = "admin", key = "'reports'")
	public String purge() {
		return "purged";
	}

}
