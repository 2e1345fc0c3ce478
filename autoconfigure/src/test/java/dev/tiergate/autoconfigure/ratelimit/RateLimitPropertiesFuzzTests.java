package dev.tiergate.autoconfigure.ratelimit;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.test.Fuzz;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated rate-limit configurations (capacities, refills and periods from valid to
 * absurd, numbers that do not fit a {@code long}, periods of millions of years, missing
 * settings, key resolver strings, tier names, extra limits) either start the context with
 * exactly the configured tiers, or fail with a message that names the offending property.
 * Seeded, see {@link Fuzz}.
 * <p>
 * An independent model of the documented rules decides, for values it knows, whether a
 * configuration is valid, and which properties are at fault: a valid one must start, an
 * invalid one must fail naming one of them. Values the model leaves open (random strings,
 * odd tier names that the binder may normalise) must start or fail naming a
 * {@code tiergate.rate-limit} property.
 */
class RateLimitPropertiesFuzzTests {

	private static final int TRIES = 25;

	private static final String TIERS = "tiergate.rate-limit.tiers.";

	private static final long LUA_EXACT_MAX = 1L << 53;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class));

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("dev.tiergate.test.Fuzz#seeds")
	void aConfigurationStartsOrFailsNamingTheOffendingProperty(long seed) {
		Fuzz.forAll(seed, TRIES, Configuration::generate, (configuration) -> this.runner
			.withPropertyValues(configuration.properties().toArray(new String[0]))
			.run((context) -> {
				if (context.getStartupFailure() == null) {
					if (configuration.known()) {
						assertThat(configuration.faults()).as("faults the model found").isEmpty();
					}
					RateLimiters rateLimiters = context.getBean(RateLimiters.class);
					for (Tier tier : configuration.tiers()) {
						if (tier.capacity() != null && tier.plainName() && tier.knownName()) {
							TierRateLimiter limiter = rateLimiters.find(tier.name());
							assertThat(limiter).as("tier %s", tier.name()).isNotNull();
							assertThat(limiter.tier().limits().get(0).capacity()).isEqualTo(tier.capacity());
						}
					}
					return;
				}
				String messages = messages(context.getStartupFailure());
				assertThat(configuration.valid()).as("the model finds this configuration valid, yet: %s", messages)
					.isFalse();
				assertThat(messages).contains("tiergate.rate-limit.");
				if (configuration.known()) {
					assertThat(configuration.faults()).as("a fault named in: %s", messages)
						.anyMatch((fault) -> messages.contains(fault));
				}
			}));
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = (ex.getCause() != ex) ? ex.getCause() : null) {
			if (ex.getMessage() != null && !ex.getMessage().startsWith("Error creating bean")) {
				messages.append(ex.getMessage()).append(" | ");
			}
		}
		return messages.toString();
	}

	/** A value with what the model knows of it: valid with a value, invalid, or unknown. */
	private record Value<T>(String text, Kind kind, T value) {

		static <T> Value<T> valid(String text, T value) {
			return new Value<>(text, Kind.VALID, value);
		}

		static <T> Value<T> invalid(String text) {
			return new Value<>(text, Kind.INVALID, null);
		}

		static <T> Value<T> unknown(String text) {
			return new Value<>(text, Kind.UNKNOWN, null);
		}

	}

	private enum Kind {

		VALID, INVALID, UNKNOWN

	}

	private record Tier(String name, String key, boolean plainName, boolean knownName, Value<Long> capacityValue,
			Value<Long> refillTokens, Value<Duration> refillPeriod, Value<String> keyResolver) {

		Long capacity() {
			return this.capacityValue.value();
		}

	}

	private record Configuration(List<String> properties, List<Tier> tiers, List<String> faults, boolean known) {

		boolean valid() {
			return this.known && this.faults.isEmpty();
		}

		static Configuration generate(Random random) {
			List<String> properties = new ArrayList<>();
			List<String> faults = new ArrayList<>();
			boolean known = true;
			Value<String> globalResolver = resolver(random);
			if (random.nextInt(3) == 0) {
				properties.add("tiergate.rate-limit.key-resolver=" + globalResolver.text());
				known &= record(globalResolver, "tiergate.rate-limit.key-resolver", faults);
			}
			List<Tier> tiers = new ArrayList<>();
			int count = 1 + random.nextInt(2);
			for (int i = 0; i < count; i++) {
				Tier tier = tier(random, i);
				if (tiers.stream().anyMatch((other) -> other.name().equals(tier.name()))) {
					continue;
				}
				tiers.add(tier);
				String base = TIERS + tier.key();
				addIfSet(properties, base + ".capacity", tier.capacityValue());
				addIfSet(properties, base + ".refill-tokens", tier.refillTokens());
				addIfSet(properties, base + ".refill-period", tier.refillPeriod());
				addIfSet(properties, base + ".key-resolver", tier.keyResolver());
				if (tier.capacityValue().text() == null && tier.refillTokens().text() == null
						&& tier.refillPeriod().text() == null && tier.keyResolver() == null) {
					// Nothing set: the tier does not exist.
					continue;
				}
				if (!tier.knownName()) {
					known = false;
				}
				else if (!tier.plainName()) {
					faults.add(TIERS + tier.name());
				}
				// The auto-configuration names a property "tiers.<name>.x", the binder as it was written.
				for (String named : List.of(TIERS + tier.name() + ".", TIERS.substring(0, TIERS.length() - 1) + "["
						+ tier.name() + "].")) {
					known &= record(tier.capacityValue(), named + "capacity", faults);
					known &= record(tier.refillTokens(), named + "refill-tokens", faults);
					known &= record(tier.refillPeriod(), named + "refill-period", faults);
					if (tier.keyResolver() != null) {
						known &= record(tier.keyResolver(), named + "key-resolver", faults);
					}
					if (tier.capacityValue().kind() == Kind.VALID && tier.refillTokens().kind() == Kind.VALID
							&& tier.refillPeriod().kind() == Kind.VALID
							&& !fitsLua(tier.capacity(), tier.refillTokens().value(), tier.refillPeriod().value())) {
						faults.add(named + "capacity");
						faults.add(named + "refill-tokens");
						faults.add(named + "refill-period");
					}
				}
			}
			return new Configuration(properties, tiers, faults, known);
		}

		private static void addIfSet(List<String> properties, String name, Value<?> value) {
			if (value != null && value.text() != null) {
				properties.add(name + "=" + value.text());
			}
		}

		/** Records an invalid value's property as a fault; returns whether the model knows the value. */
		private static boolean record(Value<?> value, String property, List<String> faults) {
			if (value.kind() == Kind.INVALID) {
				faults.add(property);
			}
			return value.kind() != Kind.UNKNOWN;
		}

		private static Tier tier(Random random, int index) {
			String name;
			String key;
			boolean plain;
			boolean knownName = true;
			switch (random.nextInt(9)) {
				case 0 -> {
					name = Fuzz.oneOf(random, "a b", "a/b", "a{b}", "é", "a+b");
					key = "[" + name + "]";
					plain = false;
				}
				case 1 -> {
					// Outside brackets the binder drops or lower-cases these characters.
					name = Fuzz.oneOf(random, "Premium", "a.b", "-", "x_Y", "x_y");
					key = name;
					plain = true;
					knownName = false;
				}
				case 2 -> {
					name = Fuzz.oneOf(random, "x_y", "a.b", "v1.2_beta");
					key = "[" + name + "]";
					plain = true;
				}
				default -> {
					name = Fuzz.oneOf(random, "search", "t" + index, "premium-2", "chat");
					key = name;
					plain = true;
				}
			}
			Value<String> resolver = (random.nextInt(3) == 0) ? resolver(random) : null;
			return new Tier(name, key, plain, knownName, count(random), count(random), period(random), resolver);
		}

		private static Value<Long> count(Random random) {
			return switch (random.nextInt(14)) {
				case 0 -> Value.invalid(null);
				case 1 -> Value.invalid("0");
				case 2 -> Value.invalid("-" + (1 + random.nextInt(5)));
				case 3 -> Value.invalid("abc");
				case 4 -> Value.invalid("1.5");
				case 5 -> Value.invalid(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE).toString());
				case 6 -> Value.valid(Long.toString(Long.MAX_VALUE), Long.MAX_VALUE);
				case 7 -> Value.unknown(Fuzz.string(random, 6));
				case 8 -> {
					long value = 1 + (random.nextLong() & Long.MAX_VALUE) % (1L << (1 + random.nextInt(62)));
					yield Value.valid(Long.toString(value), value);
				}
				default -> {
					long value = 1 + random.nextInt(1000);
					yield Value.valid(Long.toString(value), value);
				}
			};
		}

		private static Value<Duration> period(Random random) {
			String text = switch (random.nextInt(12)) {
				case 0 -> null;
				case 1 -> Fuzz.oneOf(random, "0", "-1s", "999us", "1ns", "0.5ms", "1500ns");
				case 2, 3 -> Fuzz.oneOf(random, "1000000d", "100000000d", "9999999999999s", "P106751D", "P106752D",
						"PT2562047H");
				case 4 -> Fuzz.oneOf(random, "abc", "1 s", "s", "1x");
				case 5 -> Fuzz.string(random, 6);
				default -> Fuzz.oneOf(random, "1ms", "1500us", "10s", "1s", "PT1H", "1d", "7d", "365d",
						random.nextInt(100_000) + 1 + "ms", random.nextInt(1000) + 1 + "us");
			};
			if (text == null) {
				return Value.invalid(null);
			}
			Duration duration;
			try {
				duration = DurationStyle.detectAndParse(text);
			}
			catch (RuntimeException ex) {
				// Random text the binder might still read some way: left open.
				return text.matches("[\\p{Alnum} .]*") ? Value.invalid(text) : Value.unknown(text);
			}
			boolean valid = duration.compareTo(Duration.ofMillis(1)) >= 0 && wholeMicros(duration);
			return valid ? Value.valid(text, duration) : Value.invalid(text);
		}

		private static boolean wholeMicros(Duration duration) {
			return duration.getNano() % 1000 == 0;
		}

		private static Value<String> resolver(Random random) {
			return switch (random.nextInt(6)) {
				case 0, 1 -> Value.valid(Fuzz.oneOf(random, "ip", "user", "global", "header:X-Api-Key"), null);
				case 2, 3 -> Value.invalid(Fuzz.oneOf(random, "cookie", "header:", "header:a b", "IP", "header:a:b",
						"header:(x)"));
				default -> Value.unknown(Fuzz.string(random, 10));
			};
		}

		/** Whether the capacity, in units of the scale, stays exact in a Lua number. */
		private static boolean fitsLua(long capacity, long refillTokens, Duration period) {
			BigInteger micros = BigInteger.valueOf(period.getSeconds())
				.multiply(BigInteger.valueOf(1_000_000))
				.add(BigInteger.valueOf(period.getNano() / 1000));
			BigInteger scale = micros.divide(micros.gcd(BigInteger.valueOf(refillTokens)));
			return BigInteger.valueOf(capacity).multiply(scale).compareTo(BigInteger.valueOf(LUA_EXACT_MAX)) <= 0
					&& micros.compareTo(BigInteger.valueOf(Long.MAX_VALUE / 1000)) <= 0;
		}

		@Override
		public String toString() {
			return this.properties.toString();
		}

	}

}
