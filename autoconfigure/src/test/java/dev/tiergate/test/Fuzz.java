package dev.tiergate.test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Seeded randomized property tests, the stand-in for a property-based testing library.
 * <p>
 * jqwik was the natural choice. 1.9.3 does not run on the JUnit 6 platform that Spring
 * Boot 4.1 brings; 1.10.1 does, but since 1.10 its author ships an "Anti-AI Usage Clause"
 * (printed by its engine on every run, documented in its user guide): the library is not
 * to be used by AI coding agents, and these tests were written by one. So this class does
 * the part of jqwik the tests need: many generated cases per seed, several fixed seeds
 * plus one new seed per run, and on failure the seed, the case number and the input, so
 * that {@code -Dtiergate.fuzz.seed=<seed>} replays exactly the failing run. It does not
 * shrink failing inputs.
 */
public final class Fuzz {

	/** System property that replaces the run's fresh seed, to replay a failure. */
	public static final String SEED_PROPERTY = "tiergate.fuzz.seed";

	private static final long[] FIXED_SEEDS = { 1L, 42L, 20261202L, 0x5EC0DE5L, -7L };

	private static final int DESCRIPTION_LIMIT = 600;

	/** Characters that break parsers and encoders: quotes, separators, escapes, lone surrogates, controls. */
	private static final String TRICKY = ",;=\"'()[]{}:#\\/*?% \t\r\n\0\u007f\u00e9\u00ff\u0100\u2028\u202e\ufeff\ufffd"
			+ "\ud800\udc00\udbff\udfff";

	private Fuzz() {
	}

	/**
	 * Returns the seeds every property runs with: fixed ones, so that CI repeats known
	 * cases, and one more, new in every run unless {@value #SEED_PROPERTY} names it.
	 * @return the seeds
	 */
	public static Stream<Long> seeds() {
		String given = System.getProperty(SEED_PROPERTY);
		long fresh = (given != null) ? Long.parseLong(given.strip()) : new Random().nextLong();
		return Stream.concat(Stream.of(fresh), Arrays.stream(FIXED_SEEDS).boxed());
	}

	/**
	 * Checks a property over generated inputs.
	 * @param <T> the type of the inputs
	 * @param seed the seed of the generator
	 * @param tries how many inputs to generate
	 * @param generator makes an input from the random source
	 * @param property checks one input, throwing on a violation
	 * @throws AssertionError naming the seed, the try and the input when the property
	 * fails or throws
	 */
	public static <T> void forAll(long seed, int tries, Function<Random, T> generator, Property<T> property) {
		Random random = new Random(seed);
		for (int i = 0; i < tries; i++) {
			T input = generator.apply(random);
			try {
				property.check(input);
			}
			catch (Throwable ex) {
				throw new AssertionError("Property failed at try " + (i + 1) + " of " + tries + " with seed " + seed
						+ " (replay: -D" + SEED_PROPERTY + "=" + seed + ") for input " + describe(input) + ": " + ex,
						ex);
			}
		}
	}

	/**
	 * Returns a string: often short and full of characters that break parsers, sometimes
	 * printable ASCII, sometimes any UTF-16 code units (lone surrogates included), now
	 * and then long.
	 * @param random the random source
	 * @param maxLength the longest string
	 * @return the string
	 */
	public static String string(Random random, int maxLength) {
		int length = switch (random.nextInt(8)) {
			case 0 -> 0;
			case 1 -> maxLength;
			case 2, 3 -> random.nextInt(maxLength + 1);
			default -> random.nextInt(Math.min(maxLength, 12) + 1);
		};
		int alphabet = random.nextInt(3);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append(switch (alphabet) {
				case 0 -> TRICKY.charAt(random.nextInt(TRICKY.length()));
				case 1 -> (char) (' ' + random.nextInt(95));
				default -> (random.nextInt(4) == 0) ? TRICKY.charAt(random.nextInt(TRICKY.length()))
						: (char) random.nextInt(Character.MAX_VALUE + 1);
			});
		}
		return text.toString();
	}

	/**
	 * Returns one of the given values.
	 * @param <T> the type of the values
	 * @param random the random source
	 * @param values the values
	 * @return one of them
	 */
	@SafeVarargs
	public static <T> T oneOf(Random random, T... values) {
		return values[random.nextInt(values.length)];
	}

	/**
	 * Returns random bytes.
	 * @param random the random source
	 * @param maxLength the most bytes
	 * @return the bytes
	 */
	public static byte[] bytes(Random random, int maxLength) {
		byte[] bytes = new byte[random.nextInt(maxLength + 1)];
		random.nextBytes(bytes);
		return bytes;
	}

	/**
	 * Describes a value for a failure message: arrays by content, every character that is
	 * not printable ASCII as a {@code \\uXXXX} escape, at most 600 characters.
	 * @param input the value
	 * @return the description
	 */
	public static String describe(Object input) {
		String text = (input instanceof byte[] bytes) ? new String(bytes, StandardCharsets.ISO_8859_1)
				: (input instanceof Object[] array) ? Arrays.deepToString(array) : String.valueOf(input);
		StringBuilder escaped = new StringBuilder();
		for (int i = 0; i < text.length() && escaped.length() < DESCRIPTION_LIMIT; i++) {
			char c = text.charAt(i);
			escaped.append((c >= ' ' && c < 0x7f) ? String.valueOf(c) : String.format("\\u%04x", (int) c));
		}
		return (escaped.length() < DESCRIPTION_LIMIT) ? escaped.toString() : escaped + "...";
	}

	/**
	 * A property of one input.
	 *
	 * @param <T> the type of the input
	 */
	@FunctionalInterface
	public interface Property<T> {

		/**
		 * Checks the property.
		 * @param input the input
		 * @throws Throwable when the property does not hold
		 */
		void check(T input) throws Throwable;

	}

}
