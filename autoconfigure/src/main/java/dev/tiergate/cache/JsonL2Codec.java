package dev.tiergate.cache;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitable;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import tools.jackson.databind.jsonFormatVisitors.JsonObjectFormatVisitor;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * {@link L2Codec} writing JSON with Jackson, preceded by a format header ({@code tg1:}).
 * <p>
 * Values are bound to the declared type only: default typing is off and class-name type
 * ids ({@code @JsonTypeInfo(use = CLASS)}) are refused, so bytes written to Redis by
 * somebody else can never make the application instantiate a class of their choosing.
 * Polymorphic values need logical type names ({@code @JsonTypeInfo(use = NAME)} with
 * {@code @JsonSubTypes}).
 */
public final class JsonL2Codec implements L2Codec {

	/** Format header; a change of the stored layout gets a new version number. */
	static final byte[] HEADER = "tg1:".getBytes(StandardCharsets.US_ASCII);

	private final JsonMapper mapper;

	private final ConcurrentMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();

	private final ConcurrentMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();

	/** Per declared type and runtime class: "" when values round-trip, otherwise why not. */
	private final ConcurrentMap<Type, ConcurrentMap<Class<?>, String>> roundTrips = new ConcurrentHashMap<>();

	/**
	 * Creates a codec with tiergate's own safe {@link JsonMapper}.
	 */
	public JsonL2Codec() {
		this(JsonMapper.builder());
	}

	/**
	 * Creates a codec from a mapper builder, for example one that registers the
	 * application's modules. Default typing is deactivated and class-name type ids are
	 * refused whatever the builder says.
	 * @param builder the mapper builder
	 */
	public JsonL2Codec(JsonMapper.Builder builder) {
		this.mapper = builder.deactivateDefaultTyping().polymorphicTypeValidator(NoClassNameTypeIds.INSTANCE).build();
	}

	@Override
	public byte[] encode(@Nullable Object value, Type declaredType) {
		byte[] json = this.writers.computeIfAbsent(declaredType, (type) -> this.mapper.writerFor(javaType(type)))
			.writeValueAsBytes(value);
		if (value != null) {
			checkRoundTrip(value, declaredType, json);
		}
		byte[] bytes = Arrays.copyOf(HEADER, HEADER.length + json.length);
		System.arraycopy(json, 0, bytes, HEADER.length, json.length);
		return bytes;
	}

	@Override
	public @Nullable Object decode(byte[] bytes, Type declaredType) {
		if (bytes.length <= HEADER.length
				|| !Arrays.equals(bytes, 0, HEADER.length, HEADER, 0, HEADER.length)) {
			throw new UndecodableValueException("Value does not start with the format header "
					+ new String(HEADER, StandardCharsets.US_ASCII), null);
		}
		try {
			return this.readers.computeIfAbsent(declaredType, (type) -> this.mapper.readerFor(javaType(type)))
				.readValue(bytes, HEADER.length, bytes.length - HEADER.length);
		}
		catch (JacksonException ex) {
			throw new UndecodableValueException(
					"Value cannot be read as " + declaredType.getTypeName() + ": " + withoutData(ex), ex);
		}
	}

	@Override
	public @Nullable String problem(Type declaredType) {
		return propertyless(declaredType, new HashSet<>());
	}

	/**
	 * Finds a concrete class, the declared type or one of its type arguments or array
	 * components, whose instance fields Jackson does not see: its values would be written
	 * as {@code {}} and read back empty.
	 */
	private @Nullable String propertyless(Type type, Set<Type> seen) {
		if (!seen.add(type)) {
			return null;
		}
		if (type instanceof ParameterizedType parameterized) {
			for (Type argument : parameterized.getActualTypeArguments()) {
				String problem = propertyless(argument, seen);
				if (problem != null) {
					return problem;
				}
			}
			return propertyless(parameterized.getRawType(), seen);
		}
		if (type instanceof GenericArrayType array) {
			return propertyless(array.getGenericComponentType(), seen);
		}
		if (!(type instanceof Class<?> declared)) {
			return null;
		}
		if (declared.isArray()) {
			return propertyless(declared.getComponentType(), seen);
		}
		if (declared.isPrimitive() || declared.isInterface() || Modifier.isAbstract(declared.getModifiers())
				|| declared.isEnum() || declared.isRecord() || declared.getName().startsWith("java.")
				|| !hasInstanceFields(declared)) {
			return null;
		}
		PropertyCount count = new PropertyCount();
		try {
			this.mapper.acceptJsonFormatVisitor(declared, count);
		}
		catch (JacksonException ex) {
			// What the type cannot tell, the first write finds out.
			return null;
		}
		return (count.objectFormat && count.properties == 0) ? declared.getSimpleName()
				+ " keeps its state in fields that Jackson does not see (no public getters or fields, no"
				+ " @JsonProperty), so its values would be written to Redis as {} and read back empty. "
				+ fix(declared) : null;
	}

	private static String fix(Class<?> type) {
		return "Give " + type.getSimpleName() + " public getters and a constructor Jackson can"
				+ " use (or make it a record), or annotate it with @JsonAutoDetect(fieldVisibility = ANY).";
	}

	/** Counts the properties Jackson would write for an object. */
	private static final class PropertyCount extends JsonFormatVisitorWrapper.Base {

		private boolean objectFormat;

		private int properties;

		@Override
		public JsonObjectFormatVisitor expectObjectFormat(JavaType type) {
			this.objectFormat = true;
			return new JsonObjectFormatVisitor.Base(getContext()) {

				@Override
				public void property(BeanProperty property) {
					PropertyCount.this.properties++;
				}

				@Override
				public void property(String name, JsonFormatVisitable handler, JavaType propertyType) {
					PropertyCount.this.properties++;
				}

				@Override
				public void optionalProperty(BeanProperty property) {
					PropertyCount.this.properties++;
				}

				@Override
				public void optionalProperty(String name, JsonFormatVisitable handler, JavaType propertyType) {
					PropertyCount.this.properties++;
				}

			};
		}

	}

	/**
	 * Decodes the first value of each runtime class written as a declared type and
	 * compares it with what was written, so that a value that would come back different
	 * (private fields without accessors written as {@code {}}, a subclass read back as
	 * its declared type) is refused, every time, instead of being served wrong from L2.
	 */
	private void checkRoundTrip(Object value, Type declaredType, byte[] json) {
		Map<Class<?>, String> verdicts = this.roundTrips.computeIfAbsent(declaredType,
				(type) -> new ConcurrentHashMap<>());
		String verdict = verdicts.get(value.getClass());
		if (verdict == null) {
			verdict = roundTrip(value, declaredType, json);
			verdicts.putIfAbsent(value.getClass(), verdict);
		}
		if (!verdict.isEmpty()) {
			throw new UnencodableValueException(verdict);
		}
	}

	private String roundTrip(Object value, Type declaredType, byte[] json) {
		String className = value.getClass().getName();
		String fix = fix(value.getClass());
		Object decoded;
		try {
			decoded = this.readers.computeIfAbsent(declaredType, (type) -> this.mapper.readerFor(javaType(type)))
				.readValue(json);
		}
		catch (JacksonException ex) {
			return "A value of class " + className + " cannot be read back as " + declaredType.getTypeName() + " ("
					+ withoutData(ex) + "). " + fix;
		}
		String difference = difference(value, decoded, "$", 0);
		return (difference != null) ? "A value of class " + className + " is read back as "
				+ declaredType.getTypeName() + " different from what was written (at " + difference + "). " + fix
				: "";
	}

	/** Where a decoded value differs from the original, or {@code null}; never quotes either. */
	private @Nullable String difference(@Nullable Object original, @Nullable Object decoded, String path, int depth) {
		if (original == decoded || depth > 32) {
			return null;
		}
		if (original == null || decoded == null) {
			return path + ": " + ((original == null) ? "a value where there was null" : "null where there was a value");
		}
		if (original instanceof List<?> list) {
			if (!(decoded instanceof List<?> decodedList) || decodedList.size() != list.size()) {
				return path + ": not the same list";
			}
			for (int i = 0; i < list.size(); i++) {
				String difference = difference(list.get(i), decodedList.get(i), path + "[" + i + "]", depth + 1);
				if (difference != null) {
					return difference;
				}
			}
			return null;
		}
		if (original instanceof Map<?, ?> map) {
			if (!(decoded instanceof Map<?, ?> decodedMap) || decodedMap.size() != map.size()) {
				return path + ": not the same map";
			}
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!decodedMap.containsKey(entry.getKey())) {
					return path + "[?]: a key is missing";
				}
				String difference = difference(entry.getValue(), decodedMap.get(entry.getKey()), path + "[?]",
						depth + 1);
				if (difference != null) {
					return difference;
				}
			}
			return null;
		}
		if (original instanceof Object[] array) {
			if (!(decoded instanceof Object[] decodedArray) || decodedArray.length != array.length) {
				return path + ": not the same array";
			}
			for (int i = 0; i < array.length; i++) {
				String difference = difference(array[i], decodedArray[i], path + "[" + i + "]", depth + 1);
				if (difference != null) {
					return difference;
				}
			}
			return null;
		}
		if (original instanceof Optional<?> optional) {
			return (decoded instanceof Optional<?> decodedOptional)
					? difference(optional.orElse(null), decodedOptional.orElse(null), path, depth + 1)
					: path + ": not an Optional";
		}
		if (original.getClass() != decoded.getClass()) {
			return path + ": read back as " + decoded.getClass().getName() + " instead of "
					+ original.getClass().getName();
		}
		if (original instanceof Collection<?> || original.getClass().isArray()) {
			return Objects.deepEquals(original, decoded) ? null : path + ": not the same collection";
		}
		if (original.getClass().isRecord() && !declaresEquals(original.getClass())) {
			for (RecordComponent component : original.getClass().getRecordComponents()) {
				try {
					component.getAccessor().setAccessible(true);
					String difference = difference(component.getAccessor().invoke(original),
							component.getAccessor().invoke(decoded), path + "." + component.getName(), depth + 1);
					if (difference != null) {
						return difference;
					}
				}
				catch (ReflectiveOperationException | RuntimeException ex) {
					return Objects.equals(original, decoded) ? null : path + ": unequal (equals() is false)";
				}
			}
			return null;
		}
		if (overridesEquals(original.getClass())) {
			return original.equals(decoded) ? null : path + ": unequal (equals() is false)";
		}
		// Without equals(): what Jackson sees must be everything there is.
		String written = this.mapper.writeValueAsString(original);
		if (written.equals("{}") && hasInstanceFields(original.getClass())) {
			return path + ": written as {} though it has fields";
		}
		return written.equals(this.mapper.writeValueAsString(decoded)) ? null : path + ": written differently";
	}

	private static boolean declaresEquals(Class<?> recordClass) {
		try {
			return !Modifier.isFinal(recordClass.getDeclaredMethod("equals", Object.class).getModifiers());
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	private static boolean overridesEquals(Class<?> type) {
		try {
			return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	private static boolean hasInstanceFields(Class<?> type) {
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Field field : current.getDeclaredFields()) {
				if (!Modifier.isStatic(field.getModifiers()) && !Modifier.isTransient(field.getModifiers())) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Describes a failure without what Jackson quotes from the input: the kind of failure,
	 * the property path (map keys, which are stored data, left out) and the position.
	 */
	static String withoutData(JacksonException ex) {
		StringBuilder description = new StringBuilder(ex.getClass().getSimpleName());
		if (!ex.getPath().isEmpty()) {
			description.append(" at $");
			for (JacksonException.Reference reference : ex.getPath()) {
				Object from = reference.from();
				boolean map = from instanceof Map<?, ?> || (from instanceof Class<?> type && Map.class.isAssignableFrom(type));
				if (reference.getIndex() >= 0) {
					description.append('[').append(reference.getIndex()).append(']');
				}
				else if (map || reference.getPropertyName() == null) {
					description.append("[?]");
				}
				else {
					description.append('.').append(reference.getPropertyName());
				}
			}
		}
		TokenStreamLocation location = ex.getLocation();
		if (location != null && location.getLineNr() > 0) {
			description.append(" (line ").append(location.getLineNr()).append(", column ")
				.append(location.getColumnNr()).append(')');
		}
		return description.toString();
	}

	private JavaType javaType(Type type) {
		return this.mapper.getTypeFactory().constructType(type);
	}

	/**
	 * Refuses every type id that names a class; logical names are not checked by a
	 * validator and keep working.
	 */
	private static final class NoClassNameTypeIds extends PolymorphicTypeValidator.Base {

		static final NoClassNameTypeIds INSTANCE = new NoClassNameTypeIds();

		@Override
		public Validity validateBaseType(DatabindContext ctxt, JavaType baseType) {
			return Validity.INDETERMINATE;
		}

		@Override
		public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
			return Validity.DENIED;
		}

		@Override
		public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
			return Validity.DENIED;
		}

	}

}
