package dev.tiergate.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tiergate.ratelimit.ClientKeySpec;
import dev.tiergate.ratelimit.RateLimitTier;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;


/**
 * Maps the {@code tiergate.rate-limit.*} properties to the rate-limit engine's settings,
 * and reports each invalid value with the full name of the property that holds it.
 */
final class RateLimitSettingsMapper {

	private static final String PREFIX = "tiergate.rate-limit.";

	/** What a tier or plan may be named: it becomes part of Redis keys and header values. */
	private static final String NAME = "[A-Za-z0-9._-]+";

	private RateLimitSettingsMapper() {
	}

	static long maxLocalBuckets(RateLimitProperties properties) {
		long maxBuckets = properties.getLocal().getMaxBuckets();
		if (maxBuckets < 1) {
			throw invalid("local.max-buckets", maxBuckets, "must be at least 1 but was " + maxBuckets);
		}
		return maxBuckets;
	}

	/** The heartbeat interval and instance timeout of fair shares, checked. */
	static RateLimitProperties.FairShare fairShare(RateLimitProperties properties) {
		RateLimitProperties.FairShare fairShare = properties.getFairShare();
		Duration interval = fairShare.getHeartbeatInterval();
		if (interval.compareTo(Duration.ofMillis(100)) < 0) {
			throw invalid("fair-share.heartbeat-interval", interval, "must be at least 100ms but was " + interval);
		}
		Duration timeout = fairShare.getInstanceTimeout();
		if (timeout.compareTo(interval) <= 0) {
			throw invalid("fair-share.instance-timeout", timeout,
					"must be longer than fair-share.heartbeat-interval (" + interval + ") but was " + timeout
							+ ": an instance would count as dead between two of its beats");
		}
		return fairShare;
	}

	/** The key resolver setting of every tier that has its own, checked. */
	static Map<String, ClientKeySpec> keyResolverSpecs(RateLimitProperties properties) {
		checkKeyResolver("key-resolver", properties.getKeyResolver());
		Map<String, ClientKeySpec> specs = new LinkedHashMap<>();
		properties.getTiers().forEach((name, tier) -> {
			ClientKeySpec spec = tier.getKeyResolver();
			if (spec != null) {
				checkKeyResolver("tiers." + name + ".key-resolver", spec);
				specs.put(name, spec);
			}
		});
		return specs;
	}

	private static void checkKeyResolver(String property, ClientKeySpec spec) {
		if (spec instanceof ClientKeySpec.Unknown) {
			throw invalid(property, spec.text(),
					"must be 'ip', 'user', 'header:<name>' or 'global' but was '" + spec.text() + "'");
		}
	}

	/** The properties of how client addresses are read, checked, in any application (a web one reads them). */
	static void checkClientAddressProperties(RateLimitProperties properties) {
		int prefixLength = properties.getIpv6PrefixLength();
		if (prefixLength < 1 || prefixLength > 128) {
			throw invalid("ipv6-prefix-length", prefixLength, "must be between 1 and 128 but was " + prefixLength);
		}
		if (properties.getForwardedHeaders().isEmpty()) {
			throw invalid("forwarded-headers", properties.getForwardedHeaders(), "must name at least one of x-forwarded-for, forwarded, x-real-ip:"
					+ " the headers the trusted proxies write");
		}
	}

	/** The configured tiers, checked, each problem reported with its property. */
	static List<RateLimitTier> tiers(RateLimitProperties properties) {
		keyResolverSpecs(properties);
		List<RateLimitTier> tiers = new ArrayList<>();
		properties.getTiers().forEach((name, tier) -> {
			String prefix = "tiers." + name + ".";
			if (!name.matches(NAME)) {
				throw invalid("tiers." + name, name, "is not a valid tier name: use letters, digits, '.', '_' and '-'");
			}
			String unit = tier.getUnit();
			if (!unit.matches("[a-z][a-z0-9-]*")) {
				throw invalid(prefix + "unit", unit, "must be 'requests', 'content-bytes', 'concurrent-requests' or"
						+ " another lower-case name but was '" + unit + "'");
			}
			tiers.add(new RateLimitTier(name, limits(prefix, tier, tier.getExtraLimits()), tier.getOnRedisFailure(),
					tier.getMode(), unit, concurrency(prefix, tier)));
		});
		return tiers;
	}

	private static RateLimitTier.@Nullable Concurrency concurrency(String prefix, RateLimitProperties.Tier tier) {
		int max = tier.getMaxConcurrent();
		if (max < 0) {
			throw invalid(prefix + "max-concurrent", max, "must be 0 (no limit) or more but was " + max);
		}
		Duration leaseTtl = tier.getLeaseTtl();
		if (leaseTtl == null || leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
			throw invalid(prefix + "lease-ttl", leaseTtl, "must be at least 1s but was " + leaseTtl);
		}
		return (max == 0) ? null : new RateLimitTier.Concurrency(max, leaseTtl);
	}

	/** The configured plans of every tier that has some, checked, each problem reported with its property. */
	static Map<String, Map<String, List<RateLimitTier.Limit>>> plans(RateLimitProperties properties) {
		Map<String, Map<String, List<RateLimitTier.Limit>>> plans = new LinkedHashMap<>();
		properties.getTiers().forEach((tierName, tier) -> {
			Map<String, List<RateLimitTier.Limit>> tierPlans = new LinkedHashMap<>();
			tier.getPlans().forEach((planName, plan) -> {
				String prefix = "tiers." + tierName + ".plans." + planName + ".";
				if (!planName.matches(NAME)) {
					throw invalid("tiers." + tierName + ".plans." + planName, planName,
							"is not a valid plan name: use letters, digits, '.', '_' and '-'");
				}
				tierPlans.put(planName, limits(prefix, plan, plan.getExtraLimits()));
			});
			if (!tierPlans.isEmpty()) {
				plans.put(tierName, tierPlans);
			}
		});
		return plans;
	}

	private static List<RateLimitTier.Limit> limits(String prefix, RateLimitProperties.Limit main,
			List<RateLimitProperties.Limit> extraLimits) {
		List<RateLimitTier.Limit> limits = new ArrayList<>();
		limits.add(limit(prefix, main));
		for (int i = 0; i < extraLimits.size(); i++) {
			limits.add(limit(prefix + "extra-limits[" + i + "].", extraLimits.get(i)));
		}
		return limits;
	}

	private static RateLimitTier.Limit limit(String prefix, RateLimitProperties.Limit limit) {
		if (limit.getCapacity() <= 0) {
			throw invalid(prefix + "capacity", limit.getCapacity(), "must be positive but was " + limit.getCapacity());
		}
		if (limit.getRefillTokens() <= 0) {
			throw invalid(prefix + "refill-tokens", limit.getRefillTokens(), "must be positive but was " + limit.getRefillTokens());
		}
		Duration period = limit.getRefillPeriod();
		if (period == null || period.compareTo(Duration.ofMillis(1)) < 0) {
			throw invalid(prefix + "refill-period", period, "must be at least 1ms but was " + period);
		}
		try {
			return new RateLimitTier.Limit(limit.getCapacity(), limit.getRefillTokens(), period);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(prefix + "refill-period", period, String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * Returns Boot's exception for an invalid property, whose failure analysis shows the
	 * file and line the value came from.
	 */
	static InvalidConfigurationPropertyValueException invalid(String property, @Nullable Object value,
			String problem) {
		String name = PREFIX + property;
		return new InvalidConfigurationPropertyValueException(name, value,
				"It " + problem + ". Set " + name + " to a valid value (see docs/rate-limiting.md).");
	}

}
