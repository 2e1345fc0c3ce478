package dev.tiergate.demo;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the demo application.
 *
 * @param backendDelay how long each call to the simulated product and content backends
 * takes
 * @param llmDelay how long each call to the simulated language model takes
 * @param llmTokenDelay how long the simulated language model takes for each token of a
 * streamed answer
 */
@ConfigurationProperties("demo")
public record DemoProperties(@DefaultValue("300ms") Duration backendDelay, @DefaultValue("800ms") Duration llmDelay,
		@DefaultValue("80ms") Duration llmTokenDelay) {

}
