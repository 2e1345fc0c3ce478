package dev.tiergate.autoconfigure.security;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.autoconfigure.cache.Catalog.Offer;
import dev.tiergate.autoconfigure.cache.Catalog.Product;
import dev.tiergate.cache.JsonL2Codec;
import dev.tiergate.cache.L2Codec;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.Fuzz;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write to Redis cannot make tiergate throw or return a value of a type the
 * method does not declare, and keys a client sends cannot make two entries share a Redis
 * key. Runs through the whole stack (annotations, interceptor, cache, Lettuce) on the
 * tests' shared Redis, with generated inputs (seeded, see {@link Fuzz}):
 * <ul>
 * <li>arbitrary bytes (random; random after the {@code tg1:} header; a valid value
 * with bytes flipped, cut off or repeated; JSON of another type; class-name type ids;
 * nesting and numbers beyond Jackson's limits) written raw under a cache key, then read
 * through the cached method: the method is called (a miss), or, only when the codec
 * itself decodes the bytes to a value of the declared type, that value is returned.
 * Never an exception, never a value of another type, also inside collections;</li>
 * <li>arbitrary strings as keys (quotes, separators, lone surrogates, long ones): every
 * key gets its own value back from Redis.</li>
 * </ul>
 */
class L2PayloadFuzzTests {

	private static final int TRIES = 400;

	private static final String PREFIX = "payload-fuzz";

	private static final Type PRODUCT = Product.class;

	private static final Type OFFERS = new ParameterizedTypeReference<Map<String, Offer>>() {
	}.getType();

	private static final Type PRODUCTS = new ParameterizedTypeReference<List<Product>>() {
	}.getType();

	private static final L2Codec codec = new JsonL2Codec();

	private static ConfigurableApplicationContext context;

	private static Catalog catalog;

	private static TieredCaches caches;

	@BeforeAll
	static void start() {
		context = CacheTestApplication.start(TestRedis.shared(), WebApplicationType.NONE,
				"spring.application.name=" + PREFIX);
		catalog = context.getBean(Catalog.class);
		caches = context.getBean(TieredCaches.class);
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void arbitraryBytesInRedisAreAMissOrAValueOfTheDeclaredType(long seed) {
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			Fuzz.forAll(seed, TRIES, Payload::generate, (payload) -> {
				Target target = payload.target();
				redis.set(target.redisKey(), payload.bytes());
				caches.get(target.cache()).clearL1();
				int before = catalog.invocations(target.method());
				Object result = target.call().get();
				boolean miss = catalog.invocations(target.method()) == before + 1;
				target.assertDeclaredType(result);
				if (miss) {
					assertThat(result).isEqualTo(target.call().get());
				}
				else {
					assertThat(payload.random()).as("random bytes are always a miss").isFalse();
					assertThat(result).as("a hit is what the codec reads from these bytes")
						.isEqualTo(codec.decode(payload.bytes(), target.type()));
				}
			});
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void arbitraryStringKeysEachGetTheirOwnValueFromRedis(long seed) {
		Fuzz.forAll(seed, TRIES, (random) -> List.of(Fuzz.string(random, 40), Fuzz.string(random, 40)),
				(keys) -> {
					String first = keys.get(0);
					String second = keys.get(1);
					assertThat(catalog.label(first)).isEqualTo("one:" + first);
					assertThat(catalog.label(second)).isEqualTo("one:" + second);
					assertThat(catalog.label(first, second)).isEqualTo("two:" + first + "|" + second);
					caches.get("labels").clearL1();
					assertThat(catalog.label(first)).isEqualTo("one:" + first);
					assertThat(catalog.label(second)).isEqualTo("one:" + second);
					assertThat(catalog.label(first, second)).isEqualTo("two:" + first + "|" + second);
				});
	}

	/**
	 * A cached method of the {@link Catalog}, its cache, Redis key and declared type.
	 */
	private record Target(String cache, String method, String redisKey, Type type, Supplier<Object> call) {

		static final Target[] ALL = { new Target("products", "find", PREFIX + ":products:7", PRODUCT, () -> catalog.find(7)),
				new Target("offers", "offers", PREFIX + ":offers:\"eu\"", OFFERS, () -> catalog.offers("eu")),
				new Target("search", "search", PREFIX + ":search:\"kettle\"", PRODUCTS,
						() -> catalog.search("kettle", 10)),
				new Target("labels", "label1", PREFIX + ":labels:\"x\"", String.class, () -> catalog.label("x")) };

		void assertDeclaredType(Object result) {
			assertThat(result).isNotNull();
			if (this.type == PRODUCT) {
				assertThat(result).isExactlyInstanceOf(Product.class);
			}
			else if (this.type == OFFERS) {
				assertThat(result).isInstanceOf(Map.class);
				((Map<?, ?>) result).forEach((key, value) -> {
					assertThat(key).isExactlyInstanceOf(String.class);
					if (value != null) {
						assertThat(value).isExactlyInstanceOf(Offer.class);
					}
				});
			}
			else if (this.type == PRODUCTS) {
				assertThat(result).isInstanceOf(List.class);
				((List<?>) result).stream()
					.filter((element) -> element != null)
					.forEach((element) -> assertThat(element).isExactlyInstanceOf(Product.class));
			}
			else {
				assertThat(result).isExactlyInstanceOf(String.class);
			}
		}

		@Override
		public String toString() {
			return this.redisKey;
		}

	}

	/**
	 * Bytes to plant in Redis under a target's key.
	 */
	private record Payload(Target target, byte[] bytes, boolean random) {

		private static final String[] FOREIGN = { "\"a string\"", "42", "true", "null", "[]", "{}", "[1,2,3]",
				"{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/pwned\"]}",
				"[\"java.util.HashMap\",{\"a\":1}]", "{\"id\":\"not a number\",\"name\":1,\"price\":\"x\"}",
				"{\"id\":1,\"name\":\"n\",\"price\":1e999999999}", "{\"id\":99999999999999999999999}",
				"{\"spring\":{\"code\":[\"java.lang.Runtime\",{}],\"percent\":1}}",
				"[{\"id\":1,\"name\":\"a\",\"price\":1},\"not a product\"]", "[null]", "{\"a\":null}",
				"{\"id\":1,\"name\":\"n\",\"price\":1,\"@type\":\"java.net.URL\"}" };

		static Payload generate(Random random) {
			Target target = Fuzz.oneOf(random, Target.ALL);
			return switch (random.nextInt(7)) {
				case 0 -> new Payload(target, Fuzz.bytes(random, 64), true);
				case 1 -> new Payload(target, concat("tg1:".getBytes(StandardCharsets.US_ASCII), Fuzz.bytes(random, 64)),
						false);
				case 2, 3 -> new Payload(target, mutate(random, valid(target)), false);
				case 4 -> new Payload(target, json(Fuzz.oneOf(random, FOREIGN)), false);
				case 5 -> new Payload(target, json(Fuzz.oneOf(random, "[", "{\"a\":") .repeat(2000 + random.nextInt(3000))),
						false);
				default -> new Payload(target, json("\"" + Fuzz.string(random, 30).replace("\\", "\\\\").replace("\"", "\\\"")
						+ "\""), false);
			};
		}

		private static byte[] valid(Target target) {
			Object value;
			if (target.type() == PRODUCT) {
				value = new Product(7, "Kettle \"Deluxe\"", new BigDecimal("19.90"));
			}
			else if (target.type() == OFFERS) {
				value = Map.of("spring", new Offer("SPRING", 15));
			}
			else if (target.type() == PRODUCTS) {
				value = List.of(new Product(1, "a", BigDecimal.ONE), new Product(2, "b", BigDecimal.TEN));
			}
			else {
				value = "a label";
			}
			return codec.encode(value, target.type());
		}

		private static byte[] mutate(Random random, byte[] valid) {
			byte[] bytes = valid.clone();
			switch (random.nextInt(4)) {
				case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
				case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
				case 2 -> bytes = concat(bytes, Arrays.copyOfRange(bytes, random.nextInt(bytes.length),
						bytes.length));
				default -> {
					for (int i = 0; i < 3; i++) {
						bytes[random.nextInt(bytes.length)] = (byte) "{}[],:\"0-.e\\".charAt(random.nextInt(12));
					}
				}
			}
			return bytes;
		}

		private static byte[] json(String json) {
			return ("tg1:" + json).getBytes(StandardCharsets.UTF_8);
		}

		private static byte[] concat(byte[] first, byte[] second) {
			byte[] both = Arrays.copyOf(first, first.length + second.length);
			System.arraycopy(second, 0, both, first.length, second.length);
			return both;
		}

		@Override
		public String toString() {
			return this.target + " <- " + new String(this.bytes, 0, Math.min(this.bytes.length, 200),
					StandardCharsets.ISO_8859_1);
		}

	}

}
