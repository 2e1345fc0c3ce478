package dev.tiergate.autoconfigure.cache.spring;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.cache.annotation.Cacheable;

/**
 * A service whose every public method is cached by a class-level annotation; its calls
 * are counted outside it, since a counting method would be cached too.
 */
@Cacheable("prices")
public class Prices {

	private final AtomicInteger invocations;

	Prices(AtomicInteger invocations) {
		this.invocations = invocations;
	}

	public BigDecimal price(String code) {
		this.invocations.incrementAndGet();
		return new BigDecimal(code.length() + ".50");
	}

	public BigDecimal discount(String code) {
		this.invocations.incrementAndGet();
		return BigDecimal.ONE;
	}

}
