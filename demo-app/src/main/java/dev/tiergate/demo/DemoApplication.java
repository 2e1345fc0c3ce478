package dev.tiergate.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A small web application whose product lookups are cached by tiergate: in this JVM
 * (Caffeine) and in Redis. Products are cached with tiergate's {@code @TieredCacheable},
 * reviews with Spring's {@code @Cacheable} on tiergate's {@code CacheManager}
 * ({@link DemoCachingConfiguration}). Without a configured Redis it starts an embedded
 * one, see {@link EmbeddedRedisLauncher}. A page at {@code /} shows the caches and the
 * Redis mode live, and can stop and start the embedded Redis
 * ({@link EmbeddedRedisController}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
