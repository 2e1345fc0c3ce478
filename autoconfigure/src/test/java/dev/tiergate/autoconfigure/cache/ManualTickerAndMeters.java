package dev.tiergate.autoconfigure.cache;

import dev.tiergate.test.ManualTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the cache test applications share: L1 time moved by hand, and meters to read.
 */
@Configuration(proxyBeanMethods = false)
public class ManualTickerAndMeters {

	@Bean
	ManualTicker ticker() {
		return new ManualTicker();
	}

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

}
