package dev.tiergate.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.tiergate.test.Fuzz;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Properties of {@link CacheKeyEncoder} over generated keys, seeded (see {@link Fuzz}):
 * records, classes with hidden fields, nested lists, sets and maps of every
 * implementation, numbers of every type (signed zeros, NaN, {@code BigDecimal} scales),
 * characters and strings that look alike, enums of two classes, dates, {@code Optional},
 * arrays as arguments.
 * <ul>
 * <li>for any two generated keys of accepted types, the Redis keys (compared as the UTF-8
 * bytes Redis stores) are equal exactly when the keys are equal in Java, as L1 compares
 * them; each key is also rebuilt with other collection implementations and iteration
 * orders, which must not change its Redis key;</li>
 * <li>a key with a part of a refused type (hidden state, a record with its own
 * {@code equals}, an array inside a collection) is refused, however deep the part, and
 * so is its declared type where it is known;</li>
 * <li>no key is longer than {@value CacheKeyEncoder#MAX_PLAIN_LENGTH} characters unless
 * hashed, and none starts like a lock key ({@code lock:}).</li>
 * </ul>
 */
class CacheKeyEncoderFuzzTests {

	private static final int KEYS = 300;

	private final CacheKeyEncoder encoder = new CacheKeyEncoder();

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void redisKeysAreEqualExactlyWhenTheKeysAreEqual(long seed) {
		Random random = new Random(seed);
		List<Object> keys = new ArrayList<>();
		List<String> redisKeys = new ArrayList<>();
		for (int i = 0; i < KEYS; i++) {
			Object[] arguments = arguments(random);
			Object[] rebuilt = new Object[arguments.length];
			for (int j = 0; j < arguments.length; j++) {
				rebuilt[j] = rebuilt(arguments[j], random);
			}
			for (Object key : List.of(ArgumentsKey.of(arguments), ArgumentsKey.of(rebuilt))) {
				String encoded;
				try {
					encoded = this.encoder.encode(key);
				}
				catch (RuntimeException ex) {
					throw new AssertionError("seed " + seed + ": " + Fuzz.describe(key) + " was refused", ex);
				}
				assertThat(encoded.length() <= CacheKeyEncoder.MAX_PLAIN_LENGTH || encoded.matches("#[0-9a-f]{64}"))
					.as("length or hash of %s", Fuzz.describe(encoded))
					.isTrue();
				assertThat(encoded).doesNotStartWith("lock:");
				keys.add(key);
				// What Redis stores and what the hash is taken of: the UTF-8 bytes.
				redisKeys.add(new String(encoded.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
			}
		}
		int equalPairs = 0;
		for (int i = 0; i < keys.size(); i++) {
			for (int j = i + 1; j < keys.size(); j++) {
				boolean equal = keys.get(i).equals(keys.get(j));
				if (equal != redisKeys.get(i).equals(redisKeys.get(j))) {
					fail("seed %d (replay: -D%s=%d): %s and %s are %s in Java but their Redis keys are %s and %s", seed,
							Fuzz.SEED_PROPERTY, seed, Fuzz.describe(keys.get(i)), Fuzz.describe(keys.get(j)),
							equal ? "equal" : "unequal", Fuzz.describe(redisKeys.get(i)),
							Fuzz.describe(redisKeys.get(j)));
				}
				equalPairs += equal ? 1 : 0;
			}
		}
		assertThat(equalPairs).as("equal keys besides the rebuilt copies").isGreaterThan(KEYS + 50);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void keysWithAPartOfARefusedTypeAreRefused(long seed) {
		Fuzz.forAll(seed, KEYS, CacheKeyEncoderFuzzTests::refusedPart, (part) -> {
			if (part.getClass() != Object.class) {
				assertThat(CacheKeyEncoder.refusal(part.getClass())).as("declared type").isNotNull();
			}
			Random random = new Random(seed ^ System.identityHashCode(part));
			Object key = ArgumentsKey.of(new Object[] { within(part, random, random.nextInt(4)), value(random, 1) });
			assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
				.isThrownBy(() -> this.encoder.encode(key));
		});
	}

	static Object[] arguments(Random random) {
		int count = switch (random.nextInt(6)) {
			case 0 -> 0;
			case 1, 2, 3 -> 1;
			case 4 -> 2;
			default -> 3;
		};
		Object[] arguments = new Object[count];
		for (int i = 0; i < count; i++) {
			arguments[i] = (random.nextInt(8) == 0) ? array(random) : value(random, 2);
		}
		return arguments;
	}

	/** Arrays, compared by content as arguments and inside other arrays. */
	private static Object array(Random random) {
		return switch (random.nextInt(5)) {
			case 0 -> new int[] { random.nextInt(2) };
			case 1 -> new long[] { random.nextInt(2) };
			case 2 -> new Integer[] { random.nextInt(2) };
			case 3 -> new Object[] { value(random, 1), (random.nextBoolean()) ? new int[] { 1 } : "x" };
			default -> new String[] { Fuzz.oneOf(random, "a", "b") };
		};
	}

	/** A value of an accepted type, from small domains so that equal keys are frequent. */
	static Object value(Random random, int depth) {
		int kinds = (depth > 0) ? 24 : 17;
		return switch (random.nextInt(kinds)) {
			case 0 -> null;
			case 1 -> random.nextBoolean();
			case 2 -> random.nextInt(3) - 1;
			case 3 -> (long) (random.nextInt(3) - 1);
			case 4 -> (random.nextBoolean()) ? (Object) (short) random.nextInt(2) : (Object) (byte) random.nextInt(2);
			case 5 -> Fuzz.oneOf(random, 0.0, -0.0, 1.0, 0.1, Double.NaN, Double.POSITIVE_INFINITY, 1e300);
			case 6 -> Fuzz.oneOf(random, 0.0f, -0.0f, 1.0f, 0.1f, Float.NaN);
			case 7 -> Fuzz.oneOf(random, new BigDecimal("1"), new BigDecimal("1.0"), new BigDecimal("1.00"),
					new BigDecimal("1E+1"), new BigDecimal("10"));
			case 8 -> Fuzz.oneOf(random, BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO.pow(70));
			case 9 -> Fuzz.oneOf(random, 'a', '1', '"', '\'', '\ud800');
			case 10, 11 -> Fuzz.oneOf(random, "", "a", "A", "1", "a,b", "\"", "'", "lock:", "null", "\ud800",
					"\udc00", "?", "a=1");
			case 12 -> Fuzz.string(random, Fuzz.oneOf(random, 3, 250));
			case 13 -> Fuzz.oneOf(random, Colour.RED, Colour.GREEN, Shade.RED);
			case 14 -> new UUID(0, random.nextInt(2));
			case 15 -> Fuzz.oneOf(random, LocalDate.ofEpochDay(random.nextInt(2)), Instant.ofEpochSecond(random.nextInt(2)),
					Duration.ofSeconds(random.nextInt(2)));
			case 16 -> (random.nextBoolean()) ? Optional.empty() : Optional.of(Fuzz.oneOf(random, "a", 1, 1L));
			case 17, 18 -> list(random, depth);
			case 19, 20 -> set(random, depth);
			case 21 -> map(random, depth);
			case 22 -> Fuzz.oneOf(random, new Pair("a", value(random, depth - 1)), new OtherPair("a", value(random, depth - 1)),
					new Point(random.nextInt(2), random.nextInt(2)));
			default -> Optional.ofNullable(value(random, depth - 1));
		};
	}

	private static List<Object> list(Random random, int depth) {
		List<Object> list = new ArrayList<>();
		int size = random.nextInt(3);
		for (int i = 0; i < size; i++) {
			list.add(value(random, depth - 1));
		}
		return list;
	}

	private static Set<Object> set(Random random, int depth) {
		Set<Object> set = new HashSet<>();
		int size = random.nextInt(4);
		for (int i = 0; i < size; i++) {
			set.add((random.nextBoolean()) ? Fuzz.oneOf(random, "a", "b", "c") : value(random, depth - 1));
		}
		return set;
	}

	private static Map<Object, Object> map(Random random, int depth) {
		Map<Object, Object> map = new HashMap<>();
		int size = random.nextInt(3);
		for (int i = 0; i < size; i++) {
			Object key = (random.nextBoolean()) ? Fuzz.oneOf(random, "a", "b") : value(random, depth - 1);
			map.put(key, value(random, depth - 1));
		}
		return map;
	}

	/** An equal value built anew, with other collection implementations and orders. */
	private static Object rebuilt(Object value, Random random) {
		if (value instanceof String string) {
			return new String(string.toCharArray());
		}
		if (value instanceof int[] ints) {
			return ints.clone();
		}
		if (value instanceof long[] longs) {
			return longs.clone();
		}
		if (value instanceof Object[] array) {
			Object[] copy = array.clone();
			for (int i = 0; i < copy.length; i++) {
				copy[i] = rebuilt(copy[i], random);
			}
			return copy;
		}
		if (value instanceof List<?> list) {
			List<Object> elements = new ArrayList<>();
			list.forEach((element) -> elements.add(rebuilt(element, random)));
			return switch (random.nextInt(3)) {
				case 0 -> new LinkedList<>(elements);
				case 1 -> (elements.contains(null)) ? elements : List.copyOf(elements);
				default -> elements;
			};
		}
		if (value instanceof Set<?> set) {
			List<Object> elements = new ArrayList<>();
			set.forEach((element) -> elements.add(rebuilt(element, random)));
			Collections.shuffle(elements, random);
			boolean strings = elements.stream().allMatch((element) -> element instanceof String);
			return switch (random.nextInt(3)) {
				case 0 -> strings ? new TreeSet<>(elements) : new LinkedHashSet<>(elements);
				case 1 -> (elements.contains(null)) ? new HashSet<>(elements) : Set.copyOf(elements);
				default -> new LinkedHashSet<>(elements);
			};
		}
		if (value instanceof Map<?, ?> map) {
			List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
			Collections.shuffle(entries, random);
			Map<Object, Object> copy = new LinkedHashMap<>();
			entries.forEach((entry) -> copy.put(rebuilt(entry.getKey(), random), rebuilt(entry.getValue(), random)));
			boolean stringKeys = copy.keySet().stream().allMatch((key) -> key instanceof String);
			boolean nulls = copy.containsKey(null) || copy.containsValue(null);
			return switch (random.nextInt(3)) {
				case 0 -> stringKeys ? new TreeMap<>(copy) : new HashMap<>(copy);
				case 1 -> nulls ? copy : Map.copyOf(copy);
				default -> copy;
			};
		}
		if (value instanceof Pair pair) {
			return new Pair(new String(pair.name().toCharArray()), rebuilt(pair.value(), random));
		}
		if (value instanceof Optional<?> optional) {
			return optional.map((content) -> rebuilt(content, random));
		}
		return value;
	}

	/** A value of a type the encoder refuses. */
	private static Object refusedPart(Random random) {
		return switch (random.nextInt(8)) {
			case 0 -> new HiddenOwner("open", Fuzz.oneOf(random, "alice", "bob"));
			case 1 -> new CaseInsensitive(Fuzz.oneOf(random, "a", "A"));
			case 2 -> new Wrapper(new HiddenOwner("open", "alice"));
			case 3 -> new Object();
			case 4 -> new StringBuilder("x");
			case 5 -> new Date(0);
			case 6 -> new ArrayDeque<>(List.of(1));
			default -> new java.util.concurrent.atomic.AtomicLong(1);
		};
	}

	/** Puts a part inside lists, maps, sets, records and Optionals, or an array inside one. */
	private static Object within(Object part, Random random, int depth) {
		Object value = part;
		for (int i = 0; i < depth; i++) {
			value = switch (random.nextInt(6)) {
				case 0 -> List.of(value);
				case 1 -> Map.of("k", value);
				case 2 -> Set.of(value);
				case 3 -> new Pair("n", value);
				case 4 -> Optional.of(value);
				default -> new Object[] { value };
			};
		}
		return (random.nextInt(4) == 0) ? List.of("x", new Object[] { value }) : value;
	}

	enum Colour {

		RED, GREEN

	}

	enum Shade {

		RED

	}

	record Pair(String name, Object value) {
	}

	record OtherPair(String name, Object value) {
	}

	record Point(int x, long y) {
	}

	record Wrapper(HiddenOwner owner) {
	}

	record CaseInsensitive(String value) {

		@Override
		public boolean equals(Object other) {
			return other instanceof CaseInsensitive that && this.value.equalsIgnoreCase(that.value);
		}

		@Override
		public int hashCode() {
			return this.value.toLowerCase().hashCode();
		}

	}

	/** Equal by status and owner; only the status is visible to a serializer. */
	static final class HiddenOwner {

		private final String status;

		private final String owner;

		HiddenOwner(String status, String owner) {
			this.status = status;
			this.owner = owner;
		}

		public String getStatus() {
			return this.status;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof HiddenOwner that && this.status.equals(that.status) && this.owner.equals(that.owner);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.status, this.owner);
		}

	}

}
