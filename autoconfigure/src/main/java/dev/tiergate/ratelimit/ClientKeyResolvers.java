package dev.tiergate.ratelimit;

/**
 * Creates the {@link ClientKeyResolver} named by a {@code key-resolver} setting:
 * {@code ip}, {@code user}, {@code header:<name>} or {@code global} (see
 * {@link ClientKeySpec}).
 */
@FunctionalInterface
public interface ClientKeyResolvers {

	/**
	 * The resolvers of an application that serves no HTTP requests: {@code global} is one
	 * bucket, and the request-based ones know no caller, so their calls share the bucket
	 * {@code "none"}.
	 */
	ClientKeyResolvers WITHOUT_REQUESTS = (spec) -> (spec instanceof ClientKeySpec.Global) ? ClientKeyResolver.GLOBAL
			: ClientKeyResolver.NONE;

	/**
	 * Returns the resolver of a setting.
	 * @param spec the setting, not {@link ClientKeySpec.Unknown}
	 * @return the resolver
	 */
	ClientKeyResolver forSpec(ClientKeySpec spec);

	/**
	 * Returns the resolver of a setting written as text.
	 * @param spec the setting, for example {@code ip} or {@code header:X-Api-Key}
	 * @return the resolver
	 * @throws IllegalArgumentException when the text names no resolver
	 */
	default ClientKeyResolver forSpec(String spec) {
		ClientKeySpec parsed = ClientKeySpec.parse(spec);
		if (parsed instanceof ClientKeySpec.Unknown) {
			throw new IllegalArgumentException("Unknown key resolver '" + spec + "'");
		}
		return forSpec(parsed);
	}

}
