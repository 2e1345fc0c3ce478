package dev.tiergate.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import dev.tiergate.test.Fuzz;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of {@link CacheKeyEncoder} over generated argument lists of many types
 * (strings with quotes, separators and lone surrogates, numbers of every width, NaN,
 * arrays, nested lists, maps, records, enums, dates, {@code Optional}, objects Jackson
 * cannot write, nesting deeper than Jackson allows), seeded (see {@link Fuzz}):
 * <ul>
 * <li>encoding never throws anything but {@link CacheKeyEncoder.UnencodableKeyException}
 * (which the cache absorbs: the call is served without L2);</li>
 * <li>argument lists that differ in value never share a Redis key, compared as the UTF-8
 * bytes Redis stores, not as Java strings. "Differ in value" is judged by an independent
 * model that maps each argument to its JSON value; only the documented equivalences
 * (numbers equal in value, such as {@code 1} and {@code 1L}; a {@code char}, an enum, a
 * UUID, a date and their text; a record and a map of its components; an array and a
 * list) may share a key;</li>
 * <li>argument lists with the same content always get the same key, also when their maps
 * were filled in another order;</li>
 * <li>a key is at most {@value CacheKeyEncoder#MAX_PLAIN_LENGTH} characters, or
 * {@code #} and a SHA-256.</li>
 * </ul>
 */
class CacheKeyEncoderFuzzTests {

	private static final int TRIES = 2000;

	private final CacheKeyEncoder encoder = new CacheKeyEncoder();

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void distinctArgumentListsNeverShareARedisKeyAndNothingButUnencodableKeysThrows(long seed) {
		Map<String, Object> modelByRedisKey = new HashMap<>();
		int[] encoded = new int[1];
		Fuzz.forAll(seed, TRIES, CacheKeyEncoderFuzzTests::arguments, (arguments) -> {
			String key = encodeOrNull(ArgumentsKey.of(arguments));
			if (key == null) {
				return;
			}
			encoded[0]++;
			assertThat(key.length() <= CacheKeyEncoder.MAX_PLAIN_LENGTH || key.matches("#[0-9a-f]{64}"))
				.as("length or hash of %s", key)
				.isTrue();
			Object model = argumentsModel(arguments);
			// What Redis stores and what the hash is taken of: the UTF-8 bytes.
			String redisBytes = new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
			Object earlier = modelByRedisKey.putIfAbsent(redisBytes, model);
			if (earlier != null) {
				assertThat(model).as("arguments sharing the Redis key %s", Fuzz.describe(key)).isEqualTo(earlier);
			}
		});
		assertThat(encoded[0]).as("most generated keys are encodable").isGreaterThan(TRIES / 2);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void equalArgumentListsGetTheSameKey(long seed) {
		Fuzz.forAll(seed, TRIES, CacheKeyEncoderFuzzTests::arguments, (arguments) -> {
			Object[] copy = new Object[arguments.length];
			for (int i = 0; i < arguments.length; i++) {
				copy[i] = copyOf(arguments[i]);
			}
			// Not always equal in Java (an array inside a map compares by identity), but one Redis key.
			assertThat(encodeOrNull(ArgumentsKey.of(copy))).isEqualTo(encodeOrNull(ArgumentsKey.of(arguments)));
		});
	}

	private String encodeOrNull(Object key) {
		try {
			return this.encoder.encode(key);
		}
		catch (CacheKeyEncoder.UnencodableKeyException ex) {
			return null;
		}
	}

	static Object[] arguments(Random random) {
		int count = switch (random.nextInt(6)) {
			case 0 -> 0;
			case 1, 2 -> 1;
			case 3, 4 -> 2;
			default -> 3 + random.nextInt(3);
		};
		Object[] arguments = new Object[count];
		for (int i = 0; i < count; i++) {
			arguments[i] = value(random, 3);
		}
		return arguments;
	}

	static Object value(Random random, int depth) {
		int kinds = (depth > 0) ? 30 : 22;
		return switch (random.nextInt(kinds)) {
			case 0 -> null;
			case 1 -> random.nextBoolean();
			case 2 -> random.nextInt(5) - 2;
			case 3 -> (long) (random.nextInt(5) - 2);
			case 4 -> Fuzz.oneOf(random, Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1, random.nextLong());
			case 5 -> (short) random.nextInt(3);
			case 6 -> (byte) random.nextInt(3);
			case 7 -> Fuzz.oneOf(random, 0.0, -0.0, 1.0, 0.1, 1e21, Double.NaN, Double.POSITIVE_INFINITY,
					Double.MIN_VALUE, random.nextDouble());
			case 8 -> Fuzz.oneOf(random, 0.1f, 1.0f, Float.NaN, -0.0f);
			case 9 -> Fuzz.oneOf(random, BigDecimal.ONE, new BigDecimal("1.0"), new BigDecimal("1E+3"),
					new BigDecimal("0.1"), new BigDecimal(random.nextLong()).scaleByPowerOfTen(-random.nextInt(30)));
			case 10 -> Fuzz.oneOf(random, BigInteger.ONE, BigInteger.TWO.pow(70), BigInteger.valueOf(random.nextLong()));
			case 11 -> (char) Fuzz.string(random, 1).chars().findFirst().orElse('x');
			case 12, 13, 14, 15 -> Fuzz.string(random, Fuzz.oneOf(random, 3, 12, 250));
			case 16 -> Fuzz.oneOf(random, Colour.values());
			case 17 -> new UUID(random.nextInt(3), random.nextInt(3));
			case 18 -> LocalDate.ofEpochDay(random.nextInt(3));
			case 19 -> Instant.ofEpochSecond(random.nextInt(3), Fuzz.oneOf(random, 0, 1, 999_999_999));
			case 20 -> Fuzz.oneOf(random, new Object(), new NoProperties());
			case 21 -> deeplyNested(Fuzz.oneOf(random, 10, 1500));
			case 22 -> Fuzz.bytes(random, 4);
			case 23 -> new int[] { random.nextInt(3), random.nextInt(3) };
			case 24 -> new String[] { Fuzz.string(random, 3), Fuzz.string(random, 3) };
			case 25, 26 -> list(random, depth);
			case 27 -> map(random, depth);
			case 28 -> new Pair(Fuzz.string(random, 3), value(random, depth - 1));
			default -> (random.nextBoolean()) ? Optional.empty() : Optional.ofNullable(value(random, depth - 1));
		};
	}

	private static List<Object> list(Random random, int depth) {
		List<Object> list = new ArrayList<>();
		int size = random.nextInt(4);
		for (int i = 0; i < size; i++) {
			list.add(value(random, depth - 1));
		}
		return list;
	}

	private static Map<Object, Object> map(Random random, int depth) {
		Map<Object, Object> map = random.nextBoolean() ? new HashMap<>() : new LinkedHashMap<>();
		int size = random.nextInt(4);
		boolean numberKeys = random.nextInt(4) == 0;
		for (int i = 0; i < size; i++) {
			Object key = numberKeys ? (Object) random.nextInt(4) : Fuzz.string(random, 3);
			map.put(key, value(random, depth - 1));
		}
		return map;
	}

	private static Object deeplyNested(int depth) {
		Object value = "bottom";
		for (int i = 0; i < depth; i++) {
			value = List.of(value);
		}
		return value;
	}

	/** An equal value built anew: strings copied, maps filled in reverse order. */
	private static Object copyOf(Object value) {
		if (value instanceof String string) {
			return new String(string.toCharArray());
		}
		if (value instanceof byte[] bytes) {
			return bytes.clone();
		}
		if (value instanceof int[] ints) {
			return ints.clone();
		}
		if (value instanceof String[] strings) {
			return strings.clone();
		}
		if (value instanceof List<?> list) {
			List<Object> copy = new ArrayList<>();
			for (Object element : list) {
				copy.add(copyOf(element));
			}
			return copy;
		}
		if (value instanceof Map<?, ?> map) {
			List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
			Collections.reverse(entries);
			Map<Object, Object> copy = new LinkedHashMap<>();
			entries.forEach((entry) -> copy.put(entry.getKey(), copyOf(entry.getValue())));
			return copy;
		}
		if (value instanceof Pair pair) {
			return new Pair(new String(pair.name().toCharArray()), copyOf(pair.value()));
		}
		if (value instanceof Optional<?> optional) {
			return optional.map(CacheKeyEncoderFuzzTests::copyOf);
		}
		return value;
	}

	/** The value of an argument list as the model sees it. */
	private static Object argumentsModel(Object[] arguments) {
		if (arguments.length == 1 && arguments[0] != null && !arguments[0].getClass().isArray()) {
			return model(arguments[0]);
		}
		List<Object> models = new ArrayList<>();
		for (Object argument : arguments) {
			models.add(model(argument));
		}
		return new ArgumentList(models);
	}

	/**
	 * The JSON value of an argument, built without Jackson: null, Boolean, a number as a
	 * BigDecimal without trailing zeros, a String, a List or a sorted Map.
	 */
	private static Object model(Object value) {
		if (value == null || value instanceof Boolean || value instanceof String) {
			return value;
		}
		if (value instanceof Double number && (number.isNaN() || number.isInfinite())) {
			return number.toString();
		}
		if (value instanceof Float number && (number.isNaN() || number.isInfinite())) {
			return number.toString();
		}
		if (value instanceof Number number) {
			return new BigDecimal(number.toString()).stripTrailingZeros();
		}
		if (value instanceof Character || value instanceof Enum<?> || value instanceof UUID
				|| value instanceof LocalDate || value instanceof Instant) {
			return value.toString();
		}
		if (value instanceof byte[] bytes) {
			return Base64.getEncoder().encodeToString(bytes);
		}
		if (value instanceof int[] ints) {
			return Arrays.stream(ints).mapToObj(CacheKeyEncoderFuzzTests::model).toList();
		}
		if (value instanceof Object[] array) {
			return model(Arrays.asList(array));
		}
		if (value instanceof Collection<?> collection) {
			List<Object> models = new ArrayList<>();
			for (Object element : collection) {
				models.add(model(element));
			}
			return models;
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> models = new TreeMap<>();
			map.forEach((key, element) -> models.put(String.valueOf(key), model(element)));
			return models;
		}
		if (value instanceof Pair pair) {
			Map<String, Object> models = new TreeMap<>();
			models.put("name", model(pair.name()));
			models.put("value", model(pair.value()));
			return models;
		}
		if (value instanceof Optional<?> optional) {
			return model(optional.orElse(null));
		}
		throw new IllegalStateException("No model for " + value.getClass());
	}

	enum Colour {

		RED, GREEN

	}

	record Pair(String name, Object value) {
	}

	static final class NoProperties {

		@Override
		public boolean equals(Object other) {
			return other instanceof NoProperties;
		}

		@Override
		public int hashCode() {
			return 1;
		}

	}

	/** Several arguments: never equal to the model of a single list argument. */
	record ArgumentList(List<Object> models) {
	}

}
