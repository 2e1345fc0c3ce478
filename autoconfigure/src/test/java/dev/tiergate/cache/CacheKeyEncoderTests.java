package dev.tiergate.cache;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.LinkedHashMap;

import org.junit.jupiter.api.Test;

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
		assertThat(this.encoder.encode(42)).isEqualTo("42");
	}

	@Test
	void stringsNeedingEscapesAreWrittenAsJson() {
		assertThat(this.encoder.encode("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
		assertThat(this.encoder.encode("é")).isEqualTo("\"é\"");
		assertThat(this.encoder.encode("a\"),(\"b")).isNotEqualTo(this.encoder.encode(new ArgumentsKey(new Object[] { "a", "b" })));
	}

	@Test
	void nullAndEmptyArgumentsHaveTheirOwnKeys() {
		assertThat(this.encoder.encode(ArgumentsKey.EMPTY)).isEqualTo("()");
		assertThat(this.encoder.encode(ArgumentsKey.of(new Object[] { null }))).isEqualTo("(null)");
		assertThat(this.encoder.encode("null")).isEqualTo("\"null\"");
	}

	@Test
	void mapsAndObjectsAreWrittenInAStableOrder() {
		Map<String, Integer> insertionOrder = new LinkedHashMap<>();
		insertionOrder.put("b", 2);
		insertionOrder.put("a", 1);
		assertThat(this.encoder.encode(insertionOrder)).isEqualTo(this.encoder.encode(new TreeMap<>(insertionOrder)))
			.isEqualTo("{\"a\":1,\"b\":2}");
		assertThat(this.encoder.encode(new Query("shoes", 2))).isEqualTo("{\"page\":2,\"text\":\"shoes\"}");
	}

	@Test
	void datesAreWrittenAsIsoStrings() {
		assertThat(this.encoder.encode(LocalDate.of(2026, 11, 22))).isEqualTo("\"2026-11-22\"");
	}

	@Test
	void arraysAreComparedAndEncodedByContent() {
		Object first = ArgumentsKey.of(new Object[] { new int[] { 1, 2 } });
		Object second = ArgumentsKey.of(new Object[] { new int[] { 1, 2 } });
		assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
		assertThat(this.encoder.encode(first)).isEqualTo("([1,2])");
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
	void keysThatJacksonCannotWriteAreReported() {
		assertThatExceptionOfType(CacheKeyEncoder.UnencodableKeyException.class)
			.isThrownBy(() -> this.encoder.encode(new Object()))
			.withMessageContaining("java.lang.Object");
	}

	record Query(String text, int page) {
	}

}
