package dev.tiergate.cache;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Turns cache keys into the part of a Redis key that follows {@code <prefix>:<cache>:}.
 * <p>
 * Two keys get the same encoding exactly when {@code equals} says they are equal, in
 * every JVM, so L1 (which compares with {@code equals}) and L2 (which compares encodings)
 * always agree. That holds only for types whose equality the encoder knows, so only those
 * are accepted:
 * <ul>
 * <li>{@code String} ({@code "kettle"}, JSON-escaped), {@code Character} ({@code 'a'}),
 * {@code Boolean}, and numbers with their type, because {@code Long 42} and
 * {@code Integer 42} are not equal: {@code 42} (long, the usual id), {@code 42I} (int), {@code 42S} (short),
 * {@code 42B} (byte), {@code 42N} ({@code BigInteger}), {@code 4.20M} ({@code BigDecimal},
 * scale kept, as {@code BigDecimal.equals} compares it), {@code 0.5D} and {@code 0.5F}
 * (the exact decimal value of the binary number, so every JDK writes the same);</li>
 * <li>enums ({@code com.example.Colour.RED}), {@code UUID} and {@code java.time} values
 * (class name and text: {@code java.time.LocalDate"2026-11-22"});</li>
 * <li>records that do not declare their own {@code equals}, by class name and components
 * ({@code com.example.Query[text="shoes",page=2I]});</li>
 * <li>lists ({@code [1,2]}), sets ({@code {1,2}}) and maps ({@code {"a"=1}}, the empty map
 * {@code {=}}) of any implementation, sets and maps sorted by the encoding of their
 * elements and keys, and {@code Optional} ({@code java.util.Optional[42]});</li>
 * <li>arrays where they are compared by content, as method arguments and in other
 * arrays: {@code ("a",1)} for an {@link ArgumentsKey} or an object array, {@code int[1I,2I]}
 * for a primitive one.</li>
 * </ul>
 * Anything else (a class with its own {@code equals} over fields the encoder cannot see,
 * a record declaring {@code equals}, an array inside a collection, record or
 * {@code Optional}, which is compared by identity there) is refused with an
 * {@link UnencodableKeyException}: the call is then served without L2, so such keys
 * never share an entry. {@link #refusal(Type)} finds the declared types that are always
 * refused, for checks at startup. No encoding starts with {@code lock:}. Encodings longer
 * than {@value #MAX_PLAIN_LENGTH} characters are replaced by {@code #} and their SHA-256
 * in hex.
 */
final class CacheKeyEncoder {

	/** Longest encoding kept readable in Redis; longer ones are hashed. */
	public static final int MAX_PLAIN_LENGTH = 200;

	/** Deepest nesting of collections, records and arrays in a key. */
	static final int MAX_DEPTH = 64;

	private static final HexFormat HEX = HexFormat.of();

	/** Value classes written as their class name and their text, whose text is unique per value. */
	private static final Set<Class<?>> TEXT_VALUES = Set.of(UUID.class, Instant.class, LocalDate.class,
			LocalTime.class, LocalDateTime.class, OffsetDateTime.class, OffsetTime.class, ZonedDateTime.class,
			Year.class, YearMonth.class, MonthDay.class, Duration.class, Period.class);

	private static final Set<Class<?>> SCALARS = Set.of(String.class, Character.class, Boolean.class, Integer.class,
			Long.class, Short.class, Byte.class, Double.class, Float.class, BigInteger.class, BigDecimal.class);

	private static final ClassValue<Object> RECORDS = new ClassValue<>() {

		@Override
		protected Object computeValue(Class<?> type) {
			return RecordShape.of(type);
		}

	};

	/**
	 * Encodes a key.
	 * @param key the key: a single value or an {@link ArgumentsKey}
	 * @return the encoded key
	 * @throws UnencodableKeyException when a part of the key is of a type whose equality
	 * the encoder cannot write
	 */
	public String encode(Object key) {
		String encoded;
		if (key instanceof String string) {
			encoded = quoted(string, '"');
		}
		else if (key instanceof Long number) {
			encoded = number.toString();
		}
		else {
			StringBuilder out = new StringBuilder(32);
			if (key instanceof ArgumentsKey arguments) {
				elements(arguments.arguments(), out, 0);
			}
			else {
				write(key, out, 0, false);
			}
			encoded = out.toString();
		}
		return (encoded.length() <= MAX_PLAIN_LENGTH) ? encoded : "#" + sha256(encoded);
	}

	/**
	 * Returns why keys of a declared type are always refused, for a check at startup.
	 * Types that may hold an accepted value at run time (an interface, {@code Object},
	 * {@code Number}) pass: their values are checked when they are encoded.
	 * @param type the declared type of a key or of a method parameter that is part of one
	 * @return the reason, or {@code null} when values of the type may be accepted
	 */
	public static @Nullable String refusal(Type type) {
		return refusal(type, false, new HashSet<>());
	}

	private static @Nullable String refusal(Type type, boolean comparedByEquals, Set<Class<?>> seen) {
		Class<?> raw = rawClass(type);
		if (raw.isPrimitive()) {
			return null;
		}
		if (raw.isArray()) {
			if (comparedByEquals) {
				return arrayByIdentity(raw);
			}
			Type component = (type instanceof GenericArrayType array) ? array.getGenericComponentType()
					: raw.getComponentType();
			return refusal(component, false, seen);
		}
		if (SCALARS.contains(raw) || TEXT_VALUES.contains(raw) || raw.isEnum() || ZoneId.class.isAssignableFrom(raw)) {
			return null;
		}
		if (raw == Optional.class) {
			return refusal(typeArgument(type, 0), true, seen);
		}
		if (Map.class.isAssignableFrom(raw)) {
			if (IdentityHashMap.class.isAssignableFrom(raw)) {
				return "is an IdentityHashMap, whose keys are compared by identity";
			}
			String keys = refusal(typeArgument(type, 0), true, seen);
			return (keys != null) ? keys : refusal(typeArgument(type, 1), true, seen);
		}
		if (Collection.class.isAssignableFrom(raw)) {
			if (!raw.isInterface() && !List.class.isAssignableFrom(raw) && !Set.class.isAssignableFrom(raw)) {
				return "is a collection that is neither a List nor a Set, so it has no equality by content";
			}
			return refusal(typeArgument(type, 0), true, seen);
		}
		if (raw.isRecord()) {
			Object shape = RECORDS.get(raw);
			if (shape instanceof String reason) {
				return reason;
			}
			if (seen.add(raw)) {
				for (RecordComponent component : raw.getRecordComponents()) {
					String reason = refusal(component.getGenericType(), true, seen);
					if (reason != null) {
						return "has a component '" + component.getName() + "' that " + reason;
					}
				}
			}
			return null;
		}
		if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || raw == Object.class) {
			return null;
		}
		return notAValue(raw);
	}

	private void write(@Nullable Object value, StringBuilder out, int depth, boolean comparedByEquals) {
		if (depth > MAX_DEPTH) {
			throw new UnencodableKeyException("Key is nested deeper than " + MAX_DEPTH + " levels");
		}
		if (value == null) {
			out.append("null");
			return;
		}
		Class<?> type = value.getClass();
		if (type == String.class) {
			out.append(quoted((String) value, '"'));
		}
		else if (type == Long.class || type == Boolean.class) {
			out.append(value);
		}
		else if (type == Integer.class) {
			out.append(value).append('I');
		}
		else if (type == Short.class) {
			out.append(value).append('S');
		}
		else if (type == Byte.class) {
			out.append(value).append('B');
		}
		else if (type == Character.class) {
			out.append(quoted(value.toString(), '\''));
		}
		else if (type == Double.class) {
			out.append(exact((Double) value)).append('D');
		}
		else if (type == Float.class) {
			out.append(exact((Float) value)).append('F');
		}
		else if (type == BigInteger.class) {
			out.append(value).append('N');
		}
		else if (type == BigDecimal.class) {
			// One text per (unscaled value, scale), as BigDecimal.equals compares both.
			out.append(value).append('M');
		}
		else if (value instanceof Enum<?> constant) {
			out.append(constant.getDeclaringClass().getName()).append('.').append(constant.name());
		}
		else if (TEXT_VALUES.contains(type) || value instanceof ZoneId) {
			out.append(type.getName()).append(quoted(value.toString(), '"'));
		}
		else if (type == Optional.class) {
			out.append("java.util.Optional[");
			Optional<?> optional = (Optional<?>) value;
			if (optional.isPresent()) {
				write(optional.get(), out, depth + 1, true);
			}
			out.append(']');
		}
		else if (value instanceof List<?> list) {
			out.append('[');
			boolean first = true;
			for (Object element : list) {
				if (!first) {
					out.append(',');
				}
				first = false;
				write(element, out, depth + 1, true);
			}
			out.append(']');
		}
		else if (value instanceof Set<?> set) {
			if (set instanceof SortedSet<?> sorted && sorted.comparator() != null) {
				throw new UnencodableKeyException("Key part of type " + type.getName()
						+ " is a sorted set with its own comparator, which may find unequal elements equal");
			}
			List<String> elements = new ArrayList<>(set.size());
			for (Object element : set) {
				StringBuilder encoded = new StringBuilder();
				write(element, encoded, depth + 1, true);
				elements.add(encoded.toString());
			}
			out.append('{');
			appendSorted(elements, out);
			out.append('}');
		}
		else if (value instanceof Map<?, ?> map) {
			writeMap(map, out, depth);
		}
		else if (type.isArray()) {
			if (comparedByEquals) {
				throw new UnencodableKeyException("Key part of type " + type.getTypeName() + " " + arrayByIdentity(type));
			}
			writeArray(value, out, depth);
		}
		else if (type.isRecord()) {
			writeRecord(value, out, depth);
		}
		else {
			throw new UnencodableKeyException("Key part of type " + type.getName() + " " + notAValue(type));
		}
	}

	private void writeMap(Map<?, ?> map, StringBuilder out, int depth) {
		Class<?> type = map.getClass();
		if (map instanceof IdentityHashMap<?, ?>) {
			throw new UnencodableKeyException(
					"Key part of type " + type.getName() + " is an IdentityHashMap, whose keys are compared by identity");
		}
		if (map instanceof SortedMap<?, ?> sorted && sorted.comparator() != null) {
			throw new UnencodableKeyException("Key part of type " + type.getName()
					+ " is a sorted map with its own comparator, which may find unequal keys equal");
		}
		if (map.isEmpty()) {
			out.append("{=}");
			return;
		}
		List<String[]> entries = new ArrayList<>(map.size());
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			StringBuilder key = new StringBuilder();
			write(entry.getKey(), key, depth + 1, true);
			StringBuilder value = new StringBuilder();
			write(entry.getValue(), value, depth + 1, true);
			entries.add(new String[] { key.toString(), value.toString() });
		}
		// Sorted by encoded key, which is unique in a map: the same order in every JVM.
		entries.sort((left, right) -> left[0].compareTo(right[0]));
		out.append('{');
		for (int i = 0; i < entries.size(); i++) {
			if (i > 0) {
				out.append(',');
			}
			out.append(entries.get(i)[0]).append('=').append(entries.get(i)[1]);
		}
		out.append('}');
	}

	private void writeArray(Object array, StringBuilder out, int depth) {
		if (array instanceof Object[] objects) {
			elements(objects, out, depth);
			return;
		}
		Class<?> component = array.getClass().getComponentType();
		out.append(component.getName()).append('[');
		int length = java.lang.reflect.Array.getLength(array);
		for (int i = 0; i < length; i++) {
			if (i > 0) {
				out.append(',');
			}
			write(java.lang.reflect.Array.get(array, i), out, depth + 1, false);
		}
		out.append(']');
	}

	private void elements(@Nullable Object[] elements, StringBuilder out, int depth) {
		// Arguments and arrays inside them are compared by content (Arrays.deepEquals).
		out.append('(');
		for (int i = 0; i < elements.length; i++) {
			if (i > 0) {
				out.append(',');
			}
			write(elements[i], out, depth + 1, false);
		}
		out.append(')');
	}

	private void writeRecord(Object record, StringBuilder out, int depth) {
		Object shape = RECORDS.get(record.getClass());
		if (shape instanceof String reason) {
			throw new UnencodableKeyException("Key part of type " + record.getClass().getName() + " " + reason);
		}
		RecordShape recordShape = (RecordShape) shape;
		out.append(record.getClass().getName()).append('[');
		for (int i = 0; i < recordShape.names.length; i++) {
			if (i > 0) {
				out.append(',');
			}
			out.append(recordShape.names[i]).append('=');
			write(recordShape.value(record, i), out, depth + 1, true);
		}
		out.append(']');
	}

	private static void appendSorted(List<String> encodings, StringBuilder out) {
		encodings.sort(null);
		for (int i = 0; i < encodings.size(); i++) {
			if (i > 0) {
				out.append(',');
			}
			out.append(encodings.get(i));
		}
	}

	/**
	 * Writes a binary floating-point number as its exact decimal value: unique per value
	 * as {@code Double.equals} sees them ({@code -0.0} differs from {@code 0.0}, every NaN
	 * is one), and the same in every JDK, unlike {@code Double.toString}, whose output
	 * changed in JDK 19.
	 */
	private static String exact(double number) {
		if (Double.isNaN(number)) {
			return "NaN";
		}
		if (Double.isInfinite(number)) {
			return (number > 0) ? "Infinity" : "-Infinity";
		}
		if (number == 0) {
			return (Double.doubleToRawLongBits(number) == 0) ? "0" : "-0";
		}
		return new BigDecimal(number).toString();
	}

	/**
	 * Quotes text, escaping the quote, the backslash, control characters and unpaired
	 * surrogates. Unpaired surrogates must be escaped: UTF-8 (the Redis key, the hash)
	 * turns every one of them into the same {@code ?}, so a string holding U+D800, one
	 * holding U+DC00 and {@code "?"} would otherwise share an L2 entry.
	 */
	static String quoted(String text, char quote) {
		if (isPlain(text, quote)) {
			return quote + text + quote;
		}
		StringBuilder escaped = new StringBuilder(text.length() + 8).append(quote);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == quote || c == '\\') {
				escaped.append('\\').append(c);
			}
			else if (c < 0x20 || c == 0x7f) {
				escaped.append(String.format("\\u%04x", (int) c));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				escaped.append(c).append(text.charAt(++i));
			}
			else if (Character.isSurrogate(c)) {
				escaped.append(String.format("\\u%04x", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.append(quote).toString();
	}

	/** Text written as it is between quotes: the common case, without a copy. */
	private static boolean isPlain(String text, char quote) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x20 || c == quote || c == '\\' || c >= 0x7f) {
				return false;
			}
		}
		return true;
	}

	private static Class<?> rawClass(Type type) {
		if (type instanceof Class<?> type1) {
			return type1;
		}
		if (type instanceof ParameterizedType parameterized) {
			return rawClass(parameterized.getRawType());
		}
		if (type instanceof GenericArrayType array) {
			return rawClass(array.getGenericComponentType()).arrayType();
		}
		if (type instanceof WildcardType wildcard) {
			return rawClass(wildcard.getUpperBounds()[0]);
		}
		if (type instanceof TypeVariable<?> variable) {
			return rawClass(variable.getBounds()[0]);
		}
		return Object.class;
	}

	private static Type typeArgument(Type type, int index) {
		if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index) {
			return parameterized.getActualTypeArguments()[index];
		}
		return Object.class;
	}

	private static String arrayByIdentity(Class<?> arrayType) {
		return "is an array inside a collection, map, record or Optional, where arrays are compared by identity"
				+ " (use a List instead of " + arrayType.getComponentType().getSimpleName() + "[])";
	}

	private static String notAValue(Class<?> type) {
		return "is not a type whose equality tiergate can write into a Redis key: its equals() may depend on"
				+ " state that is not written (keys are Strings, numbers, booleans, enums, UUIDs, java.time"
				+ " values, records of those without their own equals(), and lists, sets, maps, arrays and"
				+ " Optionals of those)";
	}

	private static String sha256(String value) {
		try {
			return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/** The components of a record class, read through their accessors. */
	private static final class RecordShape {

		private final String[] names;

		private final Method[] accessors;

		private RecordShape(String[] names, Method[] accessors) {
			this.names = names;
			this.accessors = accessors;
		}

		/** Returns the shape of a record class, or why its keys are refused. */
		static Object of(Class<?> type) {
			try {
				// javac declares the implicit equals of a record final; one written by hand
				// (almost always) is not, and may compare anything.
				if (!Modifier.isFinal(type.getDeclaredMethod("equals", Object.class).getModifiers())) {
					return "is a record that declares its own equals(), which the encoder cannot know";
				}
			}
			catch (NoSuchMethodException ex) {
				// Not compiled by javac: equality by components is all the encoder can assume.
			}
			RecordComponent[] components = type.getRecordComponents();
			String[] names = new String[components.length];
			Method[] accessors = new Method[components.length];
			for (int i = 0; i < components.length; i++) {
				names[i] = components[i].getName();
				accessors[i] = components[i].getAccessor();
				try {
					accessors[i].setAccessible(true);
				}
				catch (RuntimeException ex) {
					return "is a record whose components cannot be read (" + ex.getClass().getSimpleName() + ")";
				}
			}
			return new RecordShape(names, accessors);
		}

		@Nullable Object value(Object record, int index) {
			try {
				return this.accessors[index].invoke(record);
			}
			catch (ReflectiveOperationException ex) {
				throw new UnencodableKeyException("Component '" + this.names[index] + "' of key part of type "
						+ record.getClass().getName() + " cannot be read (" + ex.getClass().getSimpleName() + ")");
			}
		}

	}

	/**
	 * Thrown when a key cannot be encoded for Redis: a part of it is of a type whose
	 * equality the encoder cannot write. The message names the type and the reason,
	 * never the value. The call is then served without L2.
	 */
	public static final class UnencodableKeyException extends RuntimeException {

		UnencodableKeyException(String message) {
			super(message);
		}

	}

}
