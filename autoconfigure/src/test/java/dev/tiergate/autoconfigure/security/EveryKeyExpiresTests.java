package dev.tiergate.autoconfigure.security;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.autoconfigure.ratelimit.ChatService;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.warmup.TieredCacheWarmer;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client cannot grow Redis without bound: every key tiergate writes expires. The test
 * runs every write path tiergate has against a private Redis, then lists every key with
 * {@code SCAN} and checks its {@code PTTL}.
 * <p>
 * The write paths, read from {@code cache.redis} and {@code ratelimit.redis}: L2 values
 * ({@code PSETEX}, also behind {@code @TieredCachePut}, {@code stale-ttl} and
 * {@code refresh-ahead}, and a warmer's entries), the cross-instance lock and the warm-up
 * lease ({@code SET NX PX}) and the rate-limit
 * buckets ({@code SET PX} inside the token-bucket script). {@code allEntries} and the
 * actuator's evictions only delete ({@code SCAN} and {@code UNLINK}; no generation
 * counter), and invalidations are pub/sub messages, not keys; they run here too, so a
 * key they might start writing one day would be caught.
 */
class EveryKeyExpiresTests {

	private RedisProcess redis;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() {
		this.redis = TestRedis.startPrivate();
		this.context = new SpringApplicationBuilder(WriteEverything.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=ttl-it", "spring.data.redis.url=" + this.redis.endpoint().uri(),
					"tiergate.redis.timeout=2s", "tiergate.cache.caches.offers.stale-ttl=1h",
					"tiergate.cache.caches.search.refresh-ahead=1s", "tiergate.cache.caches.gated.lock=true",
					"tiergate.rate-limit.tiers.quotes.capacity=10", "tiergate.rate-limit.tiers.quotes.refill-tokens=1",
					"tiergate.rate-limit.tiers.quotes.refill-period=1h", "tiergate.rate-limit.tiers.hot.capacity=10",
					"tiergate.rate-limit.tiers.hot.refill-tokens=1", "tiergate.rate-limit.tiers.hot.refill-period=1d")
			.run();
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.redis.close();
	}

	@Test
	void everyKeyTiergateWritesHasATimeToLive() throws Exception {
		Catalog catalog = this.context.getBean(Catalog.class);
		ChatService chat = this.context.getBean(ChatService.class);
		TieredCaches caches = this.context.getBean(TieredCaches.class);

		catalog.find(1);
		catalog.find(2);
		catalog.save(new Catalog.Product(3, "put", BigDecimal.ONE));
		catalog.search("kettle", 10);
		catalog.offers("eu");
		catalog.label("a", "b");
		catalog.label("x".repeat(300));
		catalog.deleteAll();
		catalog.find(4);
		catalog.delete(4);
		catalog.find(5);
		caches.get("labels").evictEncoded("(\"a\",\"b\")");
		caches.get("search").clear();
		catalog.search("kettle", 10);
		chat.ask("hello");
		chat.askAs("alice", "hi");
		chat.hot();
		chat.quote("ACME");

		// The lock lives while its holder loads: look while a load holds it.
		CountDownLatch gate = catalog.closeGate();
		CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> {
			try {
				return catalog.gated("slow");
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		try (RedisProbe probe = new RedisProbe(this.redis.endpoint())) {
			await().atMost(Duration.ofSeconds(5)).until(() -> !probe.scanKeys("ttl-it:gated:lock:*").isEmpty());
			Map<String, Long> ttls = ttlOfEveryKey(probe);
			assertThat(ttls.keySet()).as("every write path left a key")
				.anyMatch((key) -> key.startsWith("ttl-it:products:"))
				.anyMatch((key) -> key.startsWith("ttl-it:search:"))
				.anyMatch((key) -> key.startsWith("ttl-it:offers:"))
				.anyMatch((key) -> key.startsWith("ttl-it:labels:#"))
				.anyMatch((key) -> key.startsWith("ttl-it:quotes:"))
				.anyMatch((key) -> key.startsWith("ttl-it:gated:lock:"))
				.anyMatch((key) -> key.equals("ttl-it:warmed:1"))
				.anyMatch((key) -> key.equals("ttl-it:warmed:lock:warmup"))
				.anyMatch((key) -> key.startsWith("{ttl-it:rl:chat:"))
				.anyMatch((key) -> key.startsWith("{ttl-it:rl:hot:"))
				.anyMatch((key) -> key.startsWith("{ttl-it:rl:quotes:"));
			List<String> withoutTtl = new ArrayList<>();
			ttls.forEach((key, ttl) -> {
				if (ttl <= 0) {
					withoutTtl.add(key + " (PTTL " + ttl + ")");
				}
			});
			assertThat(withoutTtl).as("keys without a time to live, of %s", ttls.keySet()).isEmpty();
		}
		finally {
			gate.countDown();
		}
		assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("opened slow");
		try (RedisProbe probe = new RedisProbe(this.redis.endpoint())) {
			assertThat(probe.scanKeys("ttl-it:gated:lock:*")).as("the lock is given back").isEmpty();
			assertThat(ttlOfEveryKey(probe).values()).allMatch((ttl) -> ttl > 0);
		}
	}

	private static Map<String, Long> ttlOfEveryKey(RedisProbe probe) {
		Map<String, Long> ttls = new LinkedHashMap<>();
		for (String key : probe.scanKeys("*")) {
			ttls.put(key, probe.pttl(key));
		}
		return ttls;
	}

	/**
	 * Cached and rate-limited beans, as a user would write them.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WriteEverything {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

		@Bean
		ChatService chatService() {
			return new ChatService();
		}

		@TieredCacheWarmer("warmed")
		Map<Long, String> warmed() {
			return Map.of(1L, "warm");
		}

	}

}
