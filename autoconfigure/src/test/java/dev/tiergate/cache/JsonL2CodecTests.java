package dev.tiergate.cache;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JsonL2CodecTests {

	private final JsonL2Codec codec = new JsonL2Codec();

	@Test
	void genericListsOfRecordsRoundTrip() {
		Type type = new ParameterizedTypeReference<List<Product>>() {
		}.getType();
		List<Product> products = List.of(new Product(1, "Kettle", new BigDecimal("19.90")),
				new Product(2, "Mug", new BigDecimal("4.50")));
		assertThat(this.codec.decode(this.codec.encode(products, type), type)).isEqualTo(products);
	}

	@Test
	void mapsOfRecordsRoundTrip() {
		Type type = new ParameterizedTypeReference<Map<String, Offer>>() {
		}.getType();
		Map<String, Offer> offers = Map.of("spring", new Offer("SPRING", 15), "summer", new Offer("SUMMER", 10));
		Object decoded = this.codec.decode(this.codec.encode(offers, type), type);
		assertThat(decoded).isEqualTo(offers);
		assertThat(((Map<?, ?>) decoded).values()).allSatisfy((offer) -> assertThat(offer).isInstanceOf(Offer.class));
	}

	@Test
	void storedValuesStartWithTheFormatHeader() {
		byte[] bytes = this.codec.encode(new Offer("A", 1), Offer.class);
		assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("tg1:{\"code\":\"A\",\"percent\":1}");
	}

	@Test
	void aValueWhoseStateIsInPrivateFieldsWithoutAccessorsIsRefusedInsteadOfWrittenAsEmpty() {
		// Every time, not only the first: the verdict is kept per declared type and class.
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(L2Codec.UnencodableValueException.class)
				.isThrownBy(() -> this.codec.encode(new Account("alice", 42L), Account.class))
				.withMessageContaining(Account.class.getName())
				.withMessageContaining("@JsonAutoDetect")
				.withMessageNotContaining("alice");
		}
		assertThatExceptionOfType(L2Codec.UnencodableValueException.class)
			.isThrownBy(() -> this.codec.encode(new Counter(3), Counter.class))
			.withMessageContaining("written as {} though it has fields");
	}

	@Test
	void aDeclaredTypeWhoseFieldsJacksonDoesNotSeeIsAProblemBeforeAnyValueIsWritten() {
		assertThat(this.codec.problem(Account.class)).startsWith("Account keeps its state in fields")
			.contains("@JsonAutoDetect");
		assertThat(this.codec.problem(Counter.class)).isNotNull();
		Type listOfAccounts = new ParameterizedTypeReference<List<Account>>() {
		}.getType();
		assertThat(this.codec.problem(listOfAccounts)).startsWith("Account keeps its state");
		Type mapOfCounters = new ParameterizedTypeReference<Map<String, Counter[]>>() {
		}.getType();
		assertThat(this.codec.problem(mapOfCounters)).startsWith("Counter keeps its state");
	}

	@Test
	void declaredTypesThatSayNothingAgainstTheirValuesAreNoProblem() {
		Type listOfBeans = new ParameterizedTypeReference<List<Bean>>() {
		}.getType();
		assertThat(this.codec.problem(listOfBeans)).isNull();
		assertThat(this.codec.problem(Product.class)).isNull();
		assertThat(this.codec.problem(Shape.class)).isNull();
		assertThat(this.codec.problem(String.class)).isNull();
		assertThat(this.codec.problem(int[].class)).isNull();
		assertThat(this.codec.problem(Marker.class)).isNull();
		assertThat(this.codec.problem(SerializedItself.class)).isNull();
		assertThat(this.codec.problem(FieldVisible.class)).isNull();
	}

	@Test
	void valuesThatRoundTripAreWrittenAsBefore() {
		Type type = new ParameterizedTypeReference<List<Bean>>() {
		}.getType();
		Bean bean = new Bean();
		bean.setName("kettle");
		assertThat(new String(this.codec.encode(List.of(bean), type), StandardCharsets.UTF_8))
			.isEqualTo("tg1:[{\"name\":\"kettle\"}]");
	}

	/** Equal by both fields, of which Jackson sees none. */
	public static class Account {

		private String owner;

		private Long balance;

		public Account() {
		}

		public Account(String owner, Long balance) {
			this.owner = owner;
			this.balance = balance;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Account that && java.util.Objects.equals(this.owner, that.owner)
					&& java.util.Objects.equals(this.balance, that.balance);
		}

		@Override
		public int hashCode() {
			return java.util.Objects.hash(this.owner, this.balance);
		}

	}

	/** No equals, no accessors. */
	public static class Counter {

		private int count;

		public Counter() {
		}

		public Counter(int count) {
			this.count = count;
		}

	}

	/** No state at all: {} is all there is to it. */
	public static class Marker {

	}

	/** Private state that it writes and reads itself, as one JSON string. */
	public static class SerializedItself {

		private final String text;

		@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
		public SerializedItself(String text) {
			this.text = text;
		}

		@JsonValue
		String text() {
			return this.text;
		}

	}

	/** Private fields Jackson is told to see. */
	@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
	public static class FieldVisible {

		private String name;

	}

	/** No equals, but everything it holds is a property. */
	public static class Bean {

		private String name;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

	}

	@Test
	void nullRoundTrips() {
		assertThat(this.codec.decode(this.codec.encode(null, Offer.class), Offer.class)).isNull();
	}

	@Test
	void bytesWithoutTheHeaderAreUndecodable() {
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode("{\"code\":\"A\",\"percent\":1}".getBytes(StandardCharsets.UTF_8),
					Offer.class));
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode(new byte[0], Offer.class));
	}

	@Test
	void corruptJsonIsUndecodable() {
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode("tg1:{\"code\":".getBytes(StandardCharsets.UTF_8), Offer.class));
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode(new byte[] { 't', 'g', '1', ':', (byte) 0xff, 0x00, 0x13 },
					Offer.class));
	}

	@Test
	void theMessageOfAnUndecodableValueQuotesNothingFromIt() {
		// Caches log this message: it says where and what kind, never what was stored.
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode(
					"tg1:{\"code\":\"A\",\"percent\":\"secret-percent\"}".getBytes(StandardCharsets.UTF_8), Offer.class))
			.withMessageContaining("InvalidFormatException at $.percent (line 1, column ")
			.withMessageNotContaining("secret");
		Type offers = new ParameterizedTypeReference<Map<String, Offer>>() {
		}.getType();
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode(
					"tg1:{\"secret-key\":{\"code\":\"secret-code\",\"percent\":[1]}}".getBytes(StandardCharsets.UTF_8),
					offers))
			.withMessageContaining("at $[?].percent")
			.withMessageNotContaining("secret");
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode("tg1:{\"code\":secret}".getBytes(StandardCharsets.UTF_8), Offer.class))
			.withMessageNotContaining("secret");
	}

	@Test
	void valuesOfAnIncompatibleShapeAreUndecodable() {
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class).isThrownBy(
				() -> this.codec.decode("tg1:{\"code\":\"A\",\"percent\":\"lots\"}".getBytes(StandardCharsets.UTF_8),
						Offer.class));
	}

	@Test
	void aPayloadNamingAForeignClassNeverYieldsThatClass() {
		byte[] defaultTypingArray = "tg1:[\"java.net.URL\",{\"protocol\":\"http\",\"host\":\"evil\"}]"
			.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode(defaultTypingArray, Offer.class));
		byte[] classProperty = "tg1:{\"@class\":\"java.net.URL\",\"code\":\"A\",\"percent\":1}"
			.getBytes(StandardCharsets.UTF_8);
		Object decoded = this.codec.decode(classProperty, Offer.class);
		assertThat(decoded).isEqualTo(new Offer("A", 1));
		assertThat(this.codec.decode(classProperty, Object.class)).isInstanceOf(Map.class);
	}

	@Test
	void classNameTypeIdsAreRefusedButLogicalNamesWork() {
		byte[] byClassName = "tg1:{\"@class\":\"dev.tiergate.cache.JsonL2CodecTests$Circle\",\"radius\":1}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(L2Codec.UndecodableValueException.class)
			.isThrownBy(() -> this.codec.decode(byClassName, ClassNamedShape.class));
		Shape square = new Square(2);
		assertThat(this.codec.decode(this.codec.encode(square, Shape.class), Shape.class)).isEqualTo(square);
	}

	record Product(long id, String name, BigDecimal price) {
	}

	record Offer(String code, int percent) {
	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
	@JsonSubTypes(@JsonSubTypes.Type(value = Square.class, name = "square"))
	interface Shape {

	}

	record Square(int side) implements Shape {
	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
	interface ClassNamedShape {

	}

	record Circle(int radius) implements ClassNamedShape {
	}

}
