package dev.tiergate.autoconfigure.cache;

import java.time.Duration;

import dev.tiergate.cache.warmup.CacheWarmup;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of cache warm-up: the {@code CacheWarmer} beans and
 * {@code @TieredCacheWarmer} methods, run at startup and on a schedule.
 */
@ConfigurationProperties("tiergate.cache.warmup")
public class CacheWarmupProperties {

	/**
	 * Whether the warmers run: at startup, before the application reports ready, and on the schedule.
	 */
	private boolean enabled = true;

	/**
	 * Time a run of the warmers may take; at startup, the application waits at most this long for them.
	 */
	private Duration timeout = CacheWarmup.DEFAULT_TIMEOUT;

	/**
	 * Time a run keeps the other instances on the same Redis from warming the same cache.
	 */
	private Duration lease = CacheWarmup.DEFAULT_LEASE;

	/**
	 * Cron expression (six fields, or a macro such as '@daily') of the runs after startup; none by default.
	 */
	private @Nullable String cron;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getLease() {
		return this.lease;
	}

	public void setLease(Duration lease) {
		this.lease = lease;
	}

	public @Nullable String getCron() {
		return this.cron;
	}

	public void setCron(@Nullable String cron) {
		this.cron = cron;
	}

}
