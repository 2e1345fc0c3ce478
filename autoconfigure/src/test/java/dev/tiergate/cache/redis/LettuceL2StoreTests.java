package dev.tiergate.cache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.redis.RedisUnavailableException;
import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every command the L2 store sends works on the newest Redis of the machine and on Redis
 * 6.2, the oldest tiergate supports.
 */
class LettuceL2StoreTests {

	private static RedisProcess redis62;

	@BeforeAll
	static void startRedis62() {
		redis62 = RedisProcess.start(TestRedis.embeddedRedisBinary());
	}

	@AfterAll
	static void stopRedis62() {
		redis62.close();
	}

	static Stream<RedisEndpoint> servers() {
		return Stream.of(TestRedis.shared(), redis62.endpoint());
	}

	@ParameterizedTest
	@MethodSource("servers")
	void storesReadsExpiresAndDeletes(RedisEndpoint endpoint) {
		withStore(endpoint, (store, probe) -> {
			store.set("store-test:c:\"k\"", bytes("v"), Duration.ofSeconds(90));
			assertThat(store.get("store-test:c:\"k\"")).isEqualTo(bytes("v"));
			assertThat(probe.pttl("store-test:c:\"k\"")).isBetween(80_000L, 90_000L);
			assertThat(store.get("store-test:c:\"absent\"")).isNull();
			store.delete("store-test:c:\"k\"");
			assertThat(store.get("store-test:c:\"k\"")).isNull();
		});
	}

	@ParameterizedTest
	@MethodSource("servers")
	void deletesByALiteralPrefixInPages(RedisEndpoint endpoint) {
		withStore(endpoint, (store, probe) -> {
			for (int i = 0; i < 1100; i++) {
				store.set("store-prefix:[a]*:" + i, bytes("v"), Duration.ofMinutes(1));
			}
			store.set("store-prefix:ab:1", bytes("v"), Duration.ofMinutes(1));
			assertThat(store.deleteByPrefix("store-prefix:[a]*:")).isEqualTo(1100);
			assertThat(probe.scanKeys("store-prefix:*")).containsExactly("store-prefix:ab:1");
			store.delete("store-prefix:ab:1");
		});
	}

	@ParameterizedTest
	@MethodSource("servers")
	void failsFastWhenRedisCannotBeReached(RedisEndpoint ignored) {
		try (RedisProcess stopped = TestRedis.startPrivate()) {
			stopped.stop();
			RedisClient client = RedisClient.create(stopped.endpoint().uri());
			try (RedisConnector connector = new RedisConnector(client, Duration.ofMillis(200),
					Duration.ofSeconds(30)); GuardedRedis redis = guard(connector)) {
				LettuceL2Store store = new LettuceL2Store(redis);
				assertThatExceptionOfType(RedisUnavailableException.class).isThrownBy(() -> store.get("k"));
				assertThat(connector.awaitConnection(Duration.ofMillis(100))).isNotNull();
			}
			finally {
				client.shutdown();
			}
		}
	}

	private static void withStore(RedisEndpoint endpoint, BiConsumer<LettuceL2Store, RedisProbe> test) {
		RedisClient client = RedisClient.create(endpoint.uri());
		try (RedisConnector connector = new RedisConnector(client, Duration.ofSeconds(2), Duration.ofSeconds(1));
				GuardedRedis redis = guard(connector);
				RedisProbe probe = new RedisProbe(endpoint)) {
			test.accept(new LettuceL2Store(redis), probe);
		}
		finally {
			client.shutdown();
		}
	}

	private static GuardedRedis guard(RedisConnector connector) {
		return new GuardedRedis(connector, new RedisHealthState(Clock.systemUTC()), BreakerSettings.DEFAULTS);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
