package dev.tiergate.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns cache keys into the part of a Redis key that follows {@code <prefix>:<cache>:}.
 * <p>
 * The encoding is unambiguous: a single key is its canonical JSON ({@code "a, b"},
 * {@code 42}, {@code {"id":1}} with properties and map entries sorted), and an
 * {@link ArgumentsKey} is its arguments' JSON in parentheses ({@code ("a","b")}), which no
 * JSON value starts with. Encodings longer than {@value #MAX_PLAIN_LENGTH} characters are
 * replaced by {@code #} and their SHA-256 in hex. Keys of different Java types with the
 * same JSON form (the numbers {@code 1} and {@code 1L}) share an L2 entry.
 */
public final class CacheKeyEncoder {

	/** Longest encoding kept readable in Redis; longer ones are hashed. */
	public static final int MAX_PLAIN_LENGTH = 200;

	private static final HexFormat HEX = HexFormat.of();

	private final JsonMapper mapper = JsonMapper.builder()
		.enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
		.disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		// Objects without properties would all be "{}": one L2 entry for distinct keys.
		.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
		.deactivateDefaultTyping()
		.build();

	/**
	 * Encodes a key.
	 * @param key the key: a single value or an {@link ArgumentsKey}
	 * @return the encoded key
	 * @throws UnencodableKeyException when a part of the key cannot be written as JSON
	 */
	public String encode(Object key) {
		String encoded = (key instanceof ArgumentsKey arguments) ? encodeArguments(arguments) : json(key);
		return (encoded.length() <= MAX_PLAIN_LENGTH) ? encoded : "#" + sha256(encoded);
	}

	private String encodeArguments(ArgumentsKey key) {
		StringBuilder encoded = new StringBuilder("(");
		Object[] arguments = key.arguments();
		for (int i = 0; i < arguments.length; i++) {
			if (i > 0) {
				encoded.append(',');
			}
			encoded.append(json(arguments[i]));
		}
		return encoded.append(')').toString();
	}

	private String json(@Nullable Object value) {
		if (value instanceof String string && isPlain(string)) {
			return '"' + string + '"';
		}
		try {
			return escapeLoneSurrogates(this.mapper.writeValueAsString(value));
		}
		catch (JacksonException ex) {
			throw new UnencodableKeyException(
					"Key part of type " + ((value != null) ? value.getClass().getName() : "null") + " cannot be written as JSON", ex);
		}
	}

	/**
	 * Writes unpaired surrogates as JSON escapes. Jackson copies them into the string as
	 * they are, and UTF-8 (the Redis key, the hash) turns every one of them into the same
	 * {@code ?}: without this, a string holding the lone surrogate U+D800, one holding
	 * U+DC00 and {@code "?"} would share an L2 entry, and one argument would be answered
	 * with another's value. Jackson writes a backslash of the text as {@code \\}, so the
	 * escape is unambiguous.
	 */
	private static String escapeLoneSurrogates(String json) {
		StringBuilder escaped = null;
		for (int i = 0; i < json.length(); i++) {
			char c = json.charAt(i);
			if (Character.isSurrogate(c)) {
				boolean paired = Character.isHighSurrogate(c) && i + 1 < json.length()
						&& Character.isLowSurrogate(json.charAt(i + 1));
				if (paired) {
					if (escaped != null) {
						escaped.append(c).append(json.charAt(i + 1));
					}
					i++;
					continue;
				}
				if (escaped == null) {
					escaped = new StringBuilder(json.length() + 16).append(json, 0, i);
				}
				escaped.append(String.format("\\u%04x", (int) c));
				continue;
			}
			if (escaped != null) {
				escaped.append(c);
			}
		}
		return (escaped != null) ? escaped.toString() : json;
	}

	/** Strings that JSON writes as they are, quoted: the common case, done without Jackson. */
	private static boolean isPlain(String string) {
		for (int i = 0; i < string.length(); i++) {
			char c = string.charAt(i);
			if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
				return false;
			}
		}
		return true;
	}

	private static String sha256(String value) {
		try {
			return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/**
	 * Thrown when a key cannot be encoded for Redis, for example an argument type that
	 * Jackson cannot write. The call is then served without L2.
	 */
	public static final class UnencodableKeyException extends RuntimeException {

		UnencodableKeyException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
