package dev.tiergate.benchmarks;

import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisEndpoint;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The application the benchmarks call into: tiergate configured by its auto-configuration
 * from properties only, as a user's application would have it, next to Spring's own
 * caching on Caffeine for comparison.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableCaching
public class BenchmarkApplication {

	/** Name of the cache of Spring's {@code @Cacheable}. */
	public static final String SPRING_CACHE = "spring-products";

	/**
	 * Property that puts Spring's Caffeine cache manager in asynchronous mode, which its
	 * {@code @Cacheable} methods returning a {@code Mono} need.
	 */
	public static final String ASYNC_SPRING_CACHE = "bench.spring-cache.async";

	/**
	 * Rate-limit tier of the benchmarks: so large that no check is ever rejected, and
	 * refilled slowly enough that a bucket in use is never full, so its Redis key stays (a
	 * full bucket's key expires).
	 */
	public static final String TIER = "bench";

	/** {@link #TIER} in shadow mode: checked and counted, never refusing. */
	public static final String SHADOW_TIER = "bench-shadow";

	/** Capacity of {@link #TIER}. */
	public static final long TIER_CAPACITY = 1_000_000_000_000L;

	/** Tokens {@link #TIER} gains per hour. */
	public static final long TIER_REFILL_PER_HOUR = 1_000_000L;

	private static final String[] PROPERTIES = { "spring.application.name=bench", "logging.level.root=warn",
			"spring.main.banner-mode=off",
			// Generous: a loaded 2-core machine must not turn a slow reply into a fallback
			// in the middle of a measurement. The benchmarks check that none happened.
			"tiergate.redis.timeout=2s", "tiergate.redis.startup-wait=30s", "tiergate.redis.circuit-breaker.slow-call-duration-threshold=2s",
			"tiergate.cache.caches." + Catalogs.TIERED + ".l1.ttl=1h",
			"tiergate.cache.caches." + Catalogs.L2_ONLY + ".l1.enabled=false",
			"tiergate.cache.caches." + Catalogs.L2_ONLY + ".l2.ttl=1h",
			"tiergate.rate-limit.tiers." + TIER + ".capacity=" + TIER_CAPACITY,
			"tiergate.rate-limit.tiers." + TIER + ".refill-tokens=" + TIER_REFILL_PER_HOUR,
			"tiergate.rate-limit.tiers." + TIER + ".refill-period=1h",
			"tiergate.rate-limit.tiers." + TIER + ".key-resolver=global",
			"tiergate.rate-limit.tiers." + SHADOW_TIER + ".capacity=" + TIER_CAPACITY,
			"tiergate.rate-limit.tiers." + SHADOW_TIER + ".refill-tokens=" + TIER_REFILL_PER_HOUR,
			"tiergate.rate-limit.tiers." + SHADOW_TIER + ".refill-period=1h",
			"tiergate.rate-limit.tiers." + SHADOW_TIER + ".mode=shadow",
			// The instance heartbeat (4 commands every 5 s, off the measured thread) would be
			// counted as commands of the calls measured.
			"tiergate.rate-limit.fair-share.enabled=false" };

	@Bean
	Catalogs.Tiered tieredCatalog() {
		return new Catalogs.Tiered();
	}

	@Bean
	Catalogs.SpringCached springCatalog() {
		return new Catalogs.SpringCached();
	}

	@Bean
	Catalogs.TieredReactive tieredReactiveCatalog() {
		return new Catalogs.TieredReactive();
	}

	@Bean
	Catalogs.SpringReactive springReactiveCatalog() {
		return new Catalogs.SpringReactive();
	}

	@Bean
	Catalogs.Plain plainCatalog() {
		return new Catalogs.Plain();
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "tiergate.cache.spring.enabled", havingValue = false, matchIfMissing = true)
	CaffeineCacheManager cacheManager(Environment environment) {
		// What Spring Boot's cache auto-configuration builds for spring.cache.type=caffeine.
		CaffeineCacheManager manager = new CaffeineCacheManager(SPRING_CACHE);
		manager.setCaffeine(Caffeine.newBuilder().maximumSize(10_000));
		manager.setAsyncCacheMode(environment.getProperty(ASYNC_SPRING_CACHE, Boolean.class, false));
		return manager;
	}

	/**
	 * Starts the application.
	 * @param redis the Redis to use, or {@code null} for none (Spring Boot's Redis
	 * auto-configuration is then excluded, so tiergate runs on L1 and local buckets)
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(@Nullable RedisEndpoint redis) {
		return start(redis, new String[0]);
	}

	/**
	 * Starts the application with further properties, for example
	 * {@code tiergate.cache.spring.enabled=true}, which puts Spring's {@code @Cacheable} on
	 * tiergate's {@code CacheManager} instead of Caffeine's.
	 * @param redis the Redis to use, or {@code null} for none
	 * @param extraProperties further properties, {@code name=value}
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(@Nullable RedisEndpoint redis, String... extraProperties) {
		return start(redis, null, extraProperties);
	}

	/**
	 * Starts the application with an observation registry, as an application that traces
	 * has: tiergate then observes what it observes (not L1 hits, by default).
	 * @param redis the Redis to use, or {@code null} for none
	 * @param observations the registry, with at least one handler, or {@code null} for none
	 * @param extraProperties further properties, {@code name=value}
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(@Nullable RedisEndpoint redis,
			@Nullable ObservationRegistry observations, String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of(PROPERTIES));
		properties.addAll(List.of(extraProperties));
		if (redis != null) {
			properties.add("spring.data.redis.url=" + redis.uri());
		}
		else {
			properties.add("spring.autoconfigure.exclude="
					+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration");
		}
		SpringApplicationBuilder application = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new));
		if (observations != null) {
			application.initializers((initialized) -> initialized.getBeanFactory()
				.registerSingleton("observationRegistry", observations));
		}
		ConfigurableApplicationContext context = application.run();
		if (redis != null && !context.getBean(GuardedRedis.class).isAvailable()) {
			context.close();
			throw new IllegalStateException("tiergate did not connect to " + redis + ": measuring its fallback "
					+ "instead of Redis would be meaningless");
		}
		return context;
	}

	/**
	 * Fails when tiergate is not using Redis, so that a measurement that fell back to L1 or
	 * local buckets (a timeout on an overloaded machine) is not reported as a Redis figure.
	 * @param context the application
	 */
	public static void checkRedisInUse(ConfigurableApplicationContext context) {
		GuardedRedis redis = context.getBean(GuardedRedis.class);
		if (!redis.isAvailable() || redis.state().fallbackActivations() > 0) {
			throw new IllegalStateException("tiergate fell back from Redis during the measurement ("
					+ redis.state().lastError() + "): its figures would not be Redis figures");
		}
	}

}
