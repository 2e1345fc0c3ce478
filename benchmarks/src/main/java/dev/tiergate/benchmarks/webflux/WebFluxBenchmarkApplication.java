package dev.tiergate.benchmarks.webflux;

import java.util.ArrayList;
import java.util.List;

import dev.tiergate.benchmarks.BenchmarkApplication;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The WebFlux application of {@code benchmarks/wrk/run-webflux.sh}: Spring Boot's
 * reactive web server (Reactor Netty) with tiergate configured from properties, and
 * {@link WebFluxLoadTestController}. Its Redis is a private {@code redis-server} of the
 * test harness, started with the application and stopped with it, unless
 * {@code --spring.data.redis.url=...} names one.
 * <p>
 * Started by the script with
 * {@code mvn -pl benchmarks -am spring-boot:run -Dspring-boot.run.arguments="--server.port=..."}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class WebFluxBenchmarkApplication {

	/** Name of the cache of {@code /bench/cached}. */
	public static final String CACHE = "bench-answers";

	/** Rate-limit tier of {@code /bench/limited}, the same as the JMH benchmarks'. */
	public static final String TIER = BenchmarkApplication.TIER;

	private static final String REDIS_URL = "spring.data.redis.url";

	private static final String[] PROPERTIES = { "spring.application.name=bench-webflux",
			"spring.main.banner-mode=off",
			// Generous, as for the JMH benchmarks: wrk loads the cores, and a slow reply must not turn
			// the measurement into one of the fallback. The script checks that none happened.
			"tiergate.redis.timeout=2s", "tiergate.redis.startup-wait=30s",
			"tiergate.redis.circuit-breaker.slow-call-duration-threshold=2s",
			"tiergate.cache.caches." + CACHE + ".l1.ttl=1h",
			"tiergate.rate-limit.tiers." + TIER + ".capacity=" + BenchmarkApplication.TIER_CAPACITY,
			"tiergate.rate-limit.tiers." + TIER + ".refill-tokens=" + BenchmarkApplication.TIER_REFILL_PER_HOUR,
			"tiergate.rate-limit.tiers." + TIER + ".refill-period=1h",
			// One bucket for every client, as the JMH benchmarks check one hot key; wrk is one client anyway.
			"tiergate.rate-limit.tiers." + TIER + ".key-resolver=global",
			// /bench/routed: the same tier applied by a route of configuration instead of the annotation.
			"tiergate.rate-limit.routes[0].path=/bench/routed", "tiergate.rate-limit.routes[0].tier=" + TIER };

	@Bean
	WebFluxLoadTestController webFluxLoadTestController(GuardedRedis redis) {
		return new WebFluxLoadTestController(redis);
	}

	/**
	 * Starts the application, and its own Redis unless the arguments name one.
	 * @param args Spring Boot's arguments, for example {@code --server.port=8080}
	 */
	public static void main(String[] args) {
		boolean redisGiven = List.of(args).stream().anyMatch((arg) -> arg.startsWith("--" + REDIS_URL + "="));
		@Nullable RedisProcess redis = redisGiven ? null : TestRedis.startPrivate();
		List<String> arguments = new ArrayList<>(List.of(args));
		if (redis != null) {
			arguments.add("--" + REDIS_URL + "=" + redis.endpoint().uri());
			Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "bench-redis-stop"));
		}
		start(arguments.toArray(String[]::new));
	}

	/**
	 * Starts the application on a Redis given by the arguments.
	 * @param args Spring Boot's arguments, {@code --spring.data.redis.url=...} among them
	 * @return the running context
	 * @throws IllegalStateException when tiergate did not connect to that Redis
	 */
	public static ConfigurableApplicationContext start(String... args) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WebFluxBenchmarkApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties(PROPERTIES)
			.run(args);
		if (!context.getBean(GuardedRedis.class).isAvailable()) {
			context.close();
			throw new IllegalStateException("tiergate did not connect to Redis: a load test of its fallback would be "
					+ "reported as one with Redis");
		}
		return context;
	}

}
