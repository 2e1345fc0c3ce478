package dev.tiergate.ratelimit;

import org.jspecify.annotations.Nullable;

/**
 * Tells which client the current call comes from, so that each client gets a bucket of
 * its own: its address, its user name, an API key header. Implementations read the
 * caller from thread-bound state, such as the current HTTP request. The key is hashed
 * before it becomes part of a Redis key.
 */
@FunctionalInterface
public interface ClientKeyResolver {

	/** Every caller shares one bucket. */
	ClientKeyResolver GLOBAL = () -> "global";

	/** Knows no caller: calls fall back to the bucket {@code "none"}. */
	ClientKeyResolver NONE = () -> null;

	/**
	 * Returns the key of the current caller.
	 * @return the key, or {@code null} when there is no caller to tell (for example no
	 * HTTP request), in which case the call uses the bucket {@code "none"}
	 */
	@Nullable String resolve();

}
