package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * An application with rate-limited controllers and services, as a user would write it:
 * only the starter's auto-configuration and annotations. Time is moved by hand unless
 * {@code test.manual-time=false}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({ ChatController.class, ChatService.class, Reports.class })
public class RateLimitTestApplication {

	/** Properties every test context shares, so Spring's test context cache can share it too. */
	static final String[] PROPERTIES = { "tiergate.redis.timeout=2s", "tiergate.rate-limit.headers.ietf=true",
			"tiergate.rate-limit.tiers.proxied.capacity=2", "tiergate.rate-limit.tiers.proxied.refill-tokens=1",
			"tiergate.rate-limit.tiers.proxied.refill-period=1h", "tiergate.rate-limit.tiers.quotes.capacity=3",
			"tiergate.rate-limit.tiers.quotes.refill-tokens=1", "tiergate.rate-limit.tiers.quotes.refill-period=1h",
			"tiergate.rate-limit.tiers.hot.capacity=50", "tiergate.rate-limit.tiers.hot.refill-tokens=1",
			"tiergate.rate-limit.tiers.hot.refill-period=10s", "tiergate.cache.caches.quotes.l1.ttl=1h" };

	@Bean
	@ConditionalOnBooleanProperty(name = "test.manual-time", matchIfMissing = true)
	ManualTimeMeter timeMeter() {
		return new ManualTimeMeter();
	}

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	/**
	 * Starts an instance of the application.
	 * @param redis the Redis to use
	 * @param web whether to start a web server (on a random port)
	 * @param properties further properties, overriding the shared ones
	 * @return the running context
	 */
	static ConfigurableApplicationContext start(RedisEndpoint redis, WebApplicationType web, String... properties) {
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
		return new SpringApplicationBuilder(RateLimitTestApplication.class).web(web)
			.properties(PROPERTIES)
			.properties(redis.springPropertyArguments())
			.properties("server.port=0")
			.properties(properties)
			.run();
	}

}
