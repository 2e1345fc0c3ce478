package dev.tiergate.cache;

import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CacheKeyEncoderTests {

	private final CacheKeyEncoder encoder = new CacheKeyEncoder();

	@Test
	void oneStringWithACommaDiffersFromTwoStrings() {
		String one = this.encoder.encode(ArgumentsKey.of(new Object[] { "a, b" }));
		String two = this.encoder.encode(ArgumentsKey.of(new Object[] { "a", "b" }));
		assertThat(one).isEqualTo("\"a, b\"");
		assertThat(two).isEqualTo("(\"a\",\"b\")");
	}

	@Test
	void argumentsDifferFromAListArgumentWithTheSameElements() {
		String list = this.encoder.encode(ArgumentsKey.of(new Object[] { List.of("a", "b") }));
		String arguments = this.encoder.encode(ArgumentsKey.of(new Object[] { "a", "b" }));
		assertThat(list).isEqualTo("[\"a\",\"b\"]").isNotEqualTo(arguments);
	}

	@Test
	void stringsAndNumbersDiffer() {
		assertThat(this.encoder.encode("42")).isEqualTo("\"42\"");
		assertThat(this.encoder.encode(42L)).isEqualTo("42");
		assertThat(this.encoder.encode(42)).isEqualTo("42I");
	}

	@Test
	void numbersOfDifferentTypesAreDifferentKeysAsInJava() {
		List<Object> fortyTwos = List.of(42, 42L, (short) 42, (byte) 42, 42.0, 42.0f, BigInteger.valueOf(42),
				new BigDecimal("42"), new BigDecimal("42.0"), '*', "42");
		Set<String> encodings = new HashSet<>();
		for (Object number : fortyTwos) {
			encodings.add(this.encoder.encode(number));
		}
		assertThat(encodings).hasSameSizeAs(fortyTwos)
			.contains("42I", "42", "42S", "42B", "42D", "42F", "42N", "42M", "42.0M");
	}

	@Test
	void bigDecimalsKeepTheirScaleAsBigDecimalEqualsDoes() {
		assertThat(new BigDecimal("1.0")).isNotEqualTo(new BigDecimal("1.00"));
		assertThat(this.encoder.encode(new BigDecimal("1.0"))).isEqualTo("1.0M");
		assertThat(this.encoder.encode(new BigDecimal("1.00"))).isEqualTo("1.00M");
		assertThat(this.encoder.encode(new BigDecimal("1E+3"))).isEqualTo("1E+3M");
	}

	@Test
	void floatingPointNumbersAreWrittenExactlyAndKeepTheirSignedZero() {
		assertThat(this.encoder.encode(0.5)).isEqualTo("0.5D");
		assertThat(this.encoder.encode(0.1)).isEqualTo(new BigDecimal(0.1) + "D");
		assertThat(this.encoder.encode(-0.0)).isEqualTo("-0D").isNotEqualTo(this.encoder.encode(0.0));
		assertThat(this.encoder.encode(Double.NaN)).isEqualTo("NaND")
			.isEqualTo(this.encoder.encode(Double.longBitsToDouble(0x7ff8000000000001L)));
		assertThat(this.encoder.encode(Float.NEGATIVE_INFINITY)).isEqualTo("-InfinityF");
	}

	@Test
	void stringsNeedingEscapesAreEscaped() {
		assertThat(this.encoder.encode("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
		assertThat(this.encoder.encode("é")).isEqualTo("\"é\"");
		assertThat(this.encoder.encode("a\nb")).isEqualTo("\"a\\u000ab\"");
		assertThat(this.encoder.encode("\ud800")).isEqualTo("\"\\ud800\"").isNotEqualTo(this.encoder.encode("?"));
		assertThat(this.encoder.encode("a\"),(\"b"))
			.isNotEqualTo(this.encoder.encode(new ArgumentsKey(new Object[] { "a", "b" })));
		assertThat(this.encoder.encode('\'')).isEqualTo("'\\''");
	}

	@Test
	void nullAndEmptyArgumentsHaveTheirOwnKeys() {
		assertThat(this.encoder.encode(ArgumentsKey.EMPTY)).isEqualTo("()");
		assertThat(this.encoder.encode(ArgumentsKey.of(new Object[] { null }))).isEqualTo("(null)");
		assertThat(this.encoder.encode("null")).isEqualTo("\"null\"");
		assertThat(this.encoder.encode(Optional.empty())).isEqualTo("java.util.Optional[]");
	}

	@Test
	void mapsAreWrittenSortedByKeyWhateverTheirImplementation() {
		Map<String, Integer> insertionOrder = new LinkedHashMap<>();
		insertionOrder.put("b", 2);
		insertionOrder.put("a", 1);
		String encoded = this.encoder.encode(insertionOrder);
		assertThat(encoded).isEqualTo("{\"a\"=1I,\"b\"=2I}")
			.isEqualTo(this.encoder.encode(new TreeMap<>(insertionOrder)))
			.isEqualTo(this.encoder.encode(new HashMap<>(insertionOrder)))
			.isEqualTo(this.encoder.encode(Map.of("b", 2, "a", 1)));
		assertThat(this.encoder.encode(Map.of())).isEqualTo("{=}").isNotEqualTo(this.encoder.encode(Set.of()));
	}

	@Test
	void equalSetsHaveOneEncodingWhateverTheirImplementationAndOrder() {
		List<String> letters = List.of("e", "c", "a", "d", "b");
		List<String> backwards = new ArrayList<>(letters);
		Collections.reverse(backwards);
		Set<String> reversed = new LinkedHashSet<>(backwards);
		List<Set<String>> sets = List.of(new HashSet<>(letters), new TreeSet<>(letters), new LinkedHashSet<>(letters),
				reversed, Set.of("a", "b", "c", "d", "e"), Set.copyOf(reversed));
		for (Set<String> set : sets) {
			assertThat(set).isEqualTo(sets.get(0));
			assertThat(this.encoder.encode(set)).isEqualTo("{\"a\",\"b\",\"c\",\"d\",\"e\"}");
		}
		assertThat(this.encoder.encode(Set.of(1, 2))).isNotEqualTo(this.encoder.encode(List.of(1, 2)));
	}

	@Test
	void theSameSetAndMapKeysHaveTheSameRedisKeyInEveryJvm() throws Exception {
		// Set.of and Map.of iterate in an order salted per JVM.
		Set<String> encodings = new TreeSet<>();
		for (int i = 0; i < 6; i++) {
			Process child = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator
					+ "java", "-cp", System.getProperty("java.class.path"), EncodingProbe.class.getName())
				.redirectErrorStream(true)
				.start();
			assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
			encodings.add(new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
		}
		assertThat(encodings).containsExactly(EncodingProbe.encodings());
	}

	@Test
	void recordsAreWrittenWithTheirClassAndComponents() {
		assertThat(this.encoder.encode(new Query("shoes", 2)))
			.isEqualTo("dev.tiergate.cache.CacheKeyEncoderTests$Query[text=\"shoes\",page=2I]");
		assertThat(this.encoder.encode(new OtherQuery("shoes", 2))).isNotEqualTo(this.encoder.encode(new Query("shoes", 2)));
	}

	@Test
	void enumsDatesAndUuidsDifferFromTheirText() {
		assertThat(this.encoder.encode(Colour.RED)).isEqualTo("dev.tiergate.cache.CacheKeyEncoderTests$Colour.RED");
		assertThat(this.encoder.encode(LocalDate.of(2026, 11, 22))).isEqualTo("java.time.LocalDate\"2026-11-22\"");
		assertThat(this.encoder.encode(new UUID(0, 1)))
			.isEqualTo("java.util.UUID\"00000000-0000-0000-0000-000000000001\"");
	}

	@Test
	void arraysAreComparedAndEncodedByContent() {
		Object first = ArgumentsKey.of(new Object[] { new int[] { 1, 2 } });
		Object second = ArgumentsKey.of(new Object[] { new int[] { 1, 2 } });
		assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
		assertThat(this.encoder.encode(first)).isEqualTo("(int[1I,2I])");
		// As Arrays.deepEquals: the component type of an object array does not count, a primitive one does.
		assertThat(this.encoder.encode(new ArgumentsKey(new Object[] { new Integer[] { 1 } })))
			.isEqualTo(this.encoder.encode(new ArgumentsKey(new Object[] { new Object[] { 1 } })))
			.isNotEqualTo(this.encoder.encode(new ArgumentsKey(new Object[] { new int[] { 1 } })));
	}

	@Test
	void longKeysAreHashed() {
		String longKey = "x".repeat(CacheKeyEncoder.MAX_PLAIN_LENGTH);
		String encoded = this.encoder.encode(longKey);
		assertThat(encoded).startsWith("#").hasSize(65).matches("#[0-9a-f]{64}");
		assertThat(this.encoder.encode(longKey + "y")).isNotEqualTo(encoded);
		assertThat(this.encoder.encode("x".repeat(CacheKeyEncoder.MAX_PLAIN_LENGTH - 2))).doesNotStartWith("#");
	}

	@Test
	void noKeyIsEncodedLikeALockKey() {
		// Lock keys are <prefix>:<cache>:lock:<encoded key>: a key encoded as "lock:..." would be one.
		assertThat(this.encoder.encode("lock:x")).isEqualTo("\"lock:x\"");
		assertThat(this.encoder.encode(new ArgumentsKey(new Object[] { "lock:x" }))).isEqualTo("(\"lock:x\")");
	}

	@Test
	void keysWhoseEqualityTheEncoderCannotKnowAreRefused() {
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(new Object()))
			.withMessageContaining("java.lang.Object");
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(new HiddenOwner("open", "alice")))
			.withMessageContaining(HiddenOwner.class.getName())
			.withMessageNotContaining("alice");
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(new CaseInsensitive("A")))
			.withMessageContaining("declares its own equals()");
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(List.of(new int[] { 1 })))
			.withMessageContaining("compared by identity");
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(new TreeSet<>(String.CASE_INSENSITIVE_ORDER)))
			.withMessageContaining("comparator");
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(new java.util.ArrayDeque<>(List.of(1))));
	}

	@Test
	void keysNestedDeeperThanTheLimitAreRefused() {
		Object deep = "bottom";
		for (int i = 0; i < 1500; i++) {
			deep = List.of(deep);
		}
		Object tooDeep = deep;
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(tooDeep))
			.withMessageContaining("nested deeper");
	}

	@Test
	void declaredTypesThatAreAlwaysRefusedAreFoundBeforeAnyCall() {
		assertThat(CacheKeyEncoder.refusal(HiddenOwner.class)).contains("equals()");
		assertThat(CacheKeyEncoder.refusal(CaseInsensitive.class)).contains("declares its own equals()");
		assertThat(CacheKeyEncoder.refusal(new ParameterizedTypeReference<List<HiddenOwner>>() {
		}.getType())).isNotNull();
		assertThat(CacheKeyEncoder.refusal(new ParameterizedTypeReference<Map<String, List<int[]>>>() {
		}.getType())).contains("compared by identity");
		assertThat(CacheKeyEncoder.refusal(Wrapper.class)).contains("component 'owner'");
		assertThat(CacheKeyEncoder.refusal(java.util.Date.class)).isNotNull();
		// Types that may hold accepted values: checked per call.
		for (Class<?> type : List.of(Object.class, Number.class, CharSequence.class, Comparable.class, long.class,
				String[].class, int[].class, Query.class, Colour.class, LocalDate.class, BigDecimal.class,
				Recursive.class)) {
			assertThat(CacheKeyEncoder.refusal(type)).as(type.getName()).isNull();
		}
		assertThat(CacheKeyEncoder.refusal(new ParameterizedTypeReference<Map<String, Set<Optional<Query>>>>() {
		}.getType())).isNull();
	}

	record Query(String text, int page) {
	}

	record OtherQuery(String text, int page) {
	}

	record Wrapper(HiddenOwner owner) {
	}

	record Recursive(String name, List<Recursive> children) {
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

	enum Colour {

		RED

	}

	/** Equal by status and owner, but only the status has a getter. */
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

	/** Run in child JVMs: prints the encodings of keys whose iteration order is salted per JVM. */
	static final class EncodingProbe {

		public static void main(String[] args) {
			System.out.println(encodings());
		}

		static String encodings() {
			CacheKeyEncoder encoder = new CacheKeyEncoder();
			List<String> encodings = new ArrayList<>();
			encodings.add(encoder.encode(Set.of("a", "b", "c", "d", "e")));
			encodings.add(encoder.encode(Map.of("a", 1, "b", 2, "c", 3, "d", 4, "e", 5)));
			encodings.add(encoder.encode(Set.of(Set.of(1L, 2L), Set.of(3L), Map.of(Colour.RED, Set.of("x", "y")))));
			return String.join(" ", encodings);
		}

	}

}
