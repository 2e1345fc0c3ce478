package dev.tiergate.ratelimit;

/**
 * Creates the {@link ClientKeyResolver} named by a {@code key-resolver} setting:
 * {@code ip}, {@code user}, {@code header:<name>} or {@code global}.
 */
@FunctionalInterface
public interface ClientKeyResolvers {

	/**
	 * The resolvers of an application that serves no HTTP requests: {@code global} is one
	 * bucket, and the request-based ones know no caller, so their calls share the bucket
	 * {@code "none"}.
	 */
	ClientKeyResolvers WITHOUT_REQUESTS = (spec) -> spec.equals("global") ? ClientKeyResolver.GLOBAL
			: ClientKeyResolver.NONE;

	/**
	 * Returns whether a setting names a resolver: {@code ip}, {@code user},
	 * {@code header:<name>} (a header name) or {@code global}.
	 * @param spec the setting
	 * @return whether it is supported
	 */
	static boolean isSupported(String spec) {
		if (spec.equals("ip") || spec.equals("user") || spec.equals("global")) {
			return true;
		}
		if (!spec.startsWith("header:") || spec.length() == "header:".length()) {
			return false;
		}
		for (int i = "header:".length(); i < spec.length(); i++) {
			char c = spec.charAt(i);
			if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) != -1) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Returns the resolver of a setting.
	 * @param spec the setting, already checked to be one of the supported forms
	 * @return the resolver
	 */
	ClientKeyResolver forSpec(String spec);

}
