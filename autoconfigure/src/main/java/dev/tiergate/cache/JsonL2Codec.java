package dev.tiergate.cache;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
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
