package dev.tiergate.ratelimit;

/**
 * A {@code key-resolver} setting, parsed once: which {@link ClientKeyResolver} a tier
 * uses. {@link #parse(String)} never throws; text of no known form is {@link Unknown},
 * which configuration refuses with the property's name.
 */
public sealed interface ClientKeySpec {

	/** {@code ip}: the client address (forwarding headers only of trusted proxies). */
	ClientKeySpec IP = new Ip();

	/** {@code user}: the authenticated principal's name, else the client address. */
	ClientKeySpec USER = new User();

	/** {@code global}: one bucket for every caller. */
	ClientKeySpec GLOBAL = new Global();

	/**
	 * Parses a setting.
	 * @param text {@code ip}, {@code user}, {@code global} or {@code header:<name>}
	 * @return the setting, {@link Unknown} when the text has none of these forms
	 */
	static ClientKeySpec parse(String text) {
		return switch (text) {
			case "ip" -> IP;
			case "user" -> USER;
			case "global" -> GLOBAL;
			default -> Header.isHeaderSpec(text) ? new Header(text.substring(Header.PREFIX.length()))
					: new Unknown(text);
		};
	}

	/**
	 * Returns the setting as it is written in configuration.
	 * @return the text
	 */
	String text();

	/** The client address. */
	record Ip() implements ClientKeySpec {

		@Override
		public String text() {
			return "ip";
		}

	}

	/** The principal's name, else the client address. */
	record User() implements ClientKeySpec {

		@Override
		public String text() {
			return "user";
		}

	}

	/** One bucket for every caller. */
	record Global() implements ClientKeySpec {

		@Override
		public String text() {
			return "global";
		}

	}

	/**
	 * The value of a request header, else the client address.
	 * @param name the header's name, a valid HTTP token
	 */
	record Header(String name) implements ClientKeySpec {

		static final String PREFIX = "header:";

		private static boolean isHeaderSpec(String text) {
			if (!text.startsWith(PREFIX) || text.length() == PREFIX.length()) {
				return false;
			}
			for (int i = PREFIX.length(); i < text.length(); i++) {
				char c = text.charAt(i);
				if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) != -1) {
					return false;
				}
			}
			return true;
		}

		@Override
		public String text() {
			return PREFIX + this.name;
		}

	}

	/**
	 * Text of no known form, kept so that the error can quote it.
	 * @param text the setting as written
	 */
	record Unknown(String text) implements ClientKeySpec {

	}

}
