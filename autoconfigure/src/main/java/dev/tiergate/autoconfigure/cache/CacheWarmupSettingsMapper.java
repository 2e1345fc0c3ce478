package dev.tiergate.autoconfigure.cache;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import dev.tiergate.InvalidSettingException;
import dev.tiergate.cache.warmup.CacheWarmup;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.scheduling.support.CronExpression;

/**
 * Maps the {@code tiergate.cache.warmup.*} properties to the warm-up's settings, and
 * reports each invalid value with the full name of the property that holds it.
 */
final class CacheWarmupSettingsMapper {

	private static final String PREFIX = "tiergate.cache.warmup.";

	private CacheWarmupSettingsMapper() {
	}

	static CacheWarmup.Builder configure(CacheWarmup.Builder builder, TieredCacheProperties.Warmup properties) {
		try {
			builder.timeout(properties.getTimeout()).lease(properties.getLease());
		}
		catch (InvalidSettingException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + ex.getSetting(), ex.getValue(),
					"It " + ex.getProblem() + ". Set a positive duration, for example 30s.");
		}
		String cron = properties.getCron();
		if (cron != null && !cron.isBlank()) {
			CronExpression expression = cronExpression(cron);
			// Like @Scheduled without a zone: the server's time zone.
			ZoneId zone = ZoneId.systemDefault();
			builder.schedule((now) -> {
				ZonedDateTime next = expression.next(now.atZone(zone));
				return (next != null) ? next.toInstant() : null;
			});
		}
		return builder;
	}

	private static CronExpression cronExpression(String cron) {
		try {
			return CronExpression.parse(cron);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "cron", cron,
					"It is not a cron expression: " + ex.getMessage() + ". Write six fields (second, minute, hour, day of month, month, day of week), for example"
							+ " '0 0 3 * * *' for every day at 03:00, or a macro such as '@daily'.");
		}
	}

}
