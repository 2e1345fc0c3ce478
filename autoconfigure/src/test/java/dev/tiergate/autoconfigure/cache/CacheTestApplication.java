package dev.tiergate.autoconfigure.cache;

import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisTopology;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * An application with a cached {@link Catalog}, as a user would write it: only the
 * starter's auto-configuration and annotations.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ManualTickerAndMeters.class)
public class CacheTestApplication {

	/** Properties every test context shares, so Spring's test context cache can share it too. */
	static final String[] PROPERTIES = { "spring.application.name=catalog-it",
			// Generous, so a slow CI machine never turns an expected L2 hit into a timeout;
			// timeouts have their own tests.
			"tiergate.redis.timeout=2s", "tiergate.cache.caches.products.l1.ttl=30s",
			"tiergate.cache.caches.products.l2.ttl=1h", "tiergate.cache.caches.products.l2.ttl-jitter=0" };

	@Bean
	Catalog catalog() {
		return new Catalog();
	}

	/**
	 * Starts another instance of the application on the same Redis, as a second JVM would.
	 * @param redis the shared Redis, whatever its topology
	 * @return the running context
	 */
	static ConfigurableApplicationContext startAnotherInstance(RedisTopology redis) {
		return start(redis, WebApplicationType.NONE);
	}

	/**
	 * Starts an instance of the application.
	 * @param redis the Redis to use
	 * @param web whether to start a web server (on a random port)
	 * @param properties further properties, overriding the shared ones
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(RedisEndpoint redis, WebApplicationType web,
			String... properties) {
		return start(RedisTopology.standalone(redis), web, properties);
	}

	/**
	 * Starts an instance of the application on a Redis of any topology.
	 * @param redis the Redis to use
	 * @param web whether to start a web server (on a random port)
	 * @param properties further properties, overriding the shared ones
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(RedisTopology redis, WebApplicationType web,
			String... properties) {
		return new SpringApplicationBuilder(CacheTestApplication.class).web(web)
			.properties(PROPERTIES)
			.properties(redis.springPropertyArguments())
			.properties("server.port=0",
					"management.endpoints.web.exposure.include=health",
					"management.endpoint.health.show-details=always")
			.properties(properties)
			.run();
	}

}
