package dev.tiergate.autoconfigure.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tiergate.ratelimit.ClientKeyResolvers;
import dev.tiergate.ratelimit.ClientKeySpec;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.ratelimit.web.RateLimitRoute;
import dev.tiergate.ratelimit.web.RateLimitRouteFilter;
import dev.tiergate.ratelimit.web.RateLimitRouteWebFilter;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Maps {@code tiergate.rate-limit.routes} to the routes of the
 * {@link RateLimitRouteFilter} or the {@link RateLimitRouteWebFilter}, reporting each invalid value with its property, such as
 * {@code tiergate.rate-limit.routes[0].tier}.
 */
final class RateLimitRoutesMapper {

	private static final Set<String> METHODS = Stream.of(HttpMethod.values())
		.map(HttpMethod::name)
		.collect(Collectors.toCollection(TreeSet::new));

	private RateLimitRoutesMapper() {
	}

	static List<RateLimitRoute> routes(RateLimitProperties properties, RateLimiters rateLimiters,
			ClientKeyResolvers resolvers) {
		List<RateLimitRoute> routes = new ArrayList<>();
		List<RateLimitProperties.Route> configured = properties.getRoutes();
		for (int i = 0; i < configured.size(); i++) {
			routes.add(route("routes[" + i + "].", configured.get(i), properties, rateLimiters, resolvers));
		}
		return routes;
	}

	private static RateLimitRoute route(String prefix, RateLimitProperties.Route route,
			RateLimitProperties properties, RateLimiters rateLimiters, ClientKeyResolvers resolvers) {
		PathPattern pattern = pattern(prefix + "path", route.getPath());
		String tierName = route.getTier();
		TierRateLimiter limiter = (tierName != null) ? rateLimiters.find(tierName) : null;
		if (tierName == null || limiter == null) {
			throw RateLimitSettingsMapper.invalid(prefix + "tier", tierName,
					"must name a tier of tiergate.rate-limit.tiers " + properties.getTiers().keySet() + " but was "
							+ ((tierName != null) ? "'" + tierName + "'" : "missing"));
		}
		long capacity = limiter.tier().smallestCapacity();
		if (route.getCost() < 1 || route.getCost() > capacity) {
			throw RateLimitSettingsMapper.invalid(prefix + "cost", route.getCost(), "must be from 1 to " + capacity
					+ ", the smallest capacity of tier '" + tierName + "', but was " + route.getCost());
		}
		ClientKeySpec spec = route.getKeyResolver();
		if (spec instanceof ClientKeySpec.Unknown) {
			throw RateLimitSettingsMapper.invalid(prefix + "key-resolver", spec.text(),
					"must be 'ip', 'user', 'header:<name>' or 'global' but was '" + spec.text() + "'");
		}
		if (spec == null) {
			RateLimitProperties.Tier tier = properties.getTiers().get(tierName);
			spec = (tier != null && tier.getKeyResolver() != null) ? tier.getKeyResolver() : properties.getKeyResolver();
		}
		return new RateLimitRoute(pattern, methods(prefix, route.getMethods()), limiter,
				resolvers.forSpec(spec), route.getCost());
	}

	private static PathPattern pattern(String property, @Nullable String path) {
		if (path == null || path.isBlank()) {
			throw RateLimitSettingsMapper.invalid(property, path, "must be a path pattern such as /api/llm/**");
		}
		try {
			return PathPatternParser.defaultInstance.parse(path);
		}
		catch (PatternParseException ex) {
			throw RateLimitSettingsMapper.invalid(property, path,
					"is not a valid path pattern: " + ex.getMessage() + " at position " + ex.getPosition());
		}
	}

	private static Set<String> methods(String prefix, List<String> configured) {
		Set<String> methods = new LinkedHashSet<>();
		for (int i = 0; i < configured.size(); i++) {
			String method = configured.get(i).strip().toUpperCase(Locale.ROOT);
			if (!METHODS.contains(method)) {
				throw RateLimitSettingsMapper.invalid(prefix + "methods[" + i + "]", configured.get(i),
						"must be an HTTP method, one of " + METHODS + ", but was '"
								+ configured.get(i) + "'");
			}
			methods.add(method);
		}
		if (methods.contains("GET")) {
			// Spring MVC answers HEAD with the GET handler: a HEAD must not pass free.
			methods.add("HEAD");
		}
		return methods;
	}

}
