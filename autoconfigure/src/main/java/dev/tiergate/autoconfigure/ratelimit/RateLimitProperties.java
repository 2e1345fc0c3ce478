package dev.tiergate.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tiergate.autoconfigure.cache.TieredCacheProperties;
import dev.tiergate.ratelimit.ClientKeySpec;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.web.ForwardedHeader;
import dev.tiergate.ratelimit.web.ServletClientKeyResolvers;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of rate limiting ({@code @RateLimited}).
 */
@ConfigurationProperties("tiergate.rate-limit")
public class RateLimitProperties {

	/** Default order of the rate-limit advice: outside the tiered cache, so cached answers still take tokens. */
	public static final int DEFAULT_ORDER = TieredCacheProperties.DEFAULT_ORDER - 100;

	/**
	 * Whether rate limiting is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Namespace that starts every Redis key of a bucket. Defaults to
	 * 'tiergate.cache.key-prefix', else 'spring.application.name', else 'tiergate'.
	 */
	private @Nullable String keyPrefix;

	/**
	 * Order of the rate-limit advice among the application's other advice. The default
	 * runs it outside the tiered cache, so an answer from the cache still takes tokens.
	 */
	private int order = DEFAULT_ORDER;

	/**
	 * How a call's client is told apart when its annotation has no key: 'ip', 'user',
	 * 'header:<name>' or 'global'.
	 */
	private ClientKeySpec keyResolver = ClientKeySpec.IP;

	/**
	 * Addresses or CIDR ranges (IPv4 and IPv6) of the proxies whose forwarding headers
	 * (those of 'forwarded-headers') are believed.
	 */
	private List<String> trustedProxies = new ArrayList<>();

	/**
	 * Forwarding headers that the trusted proxies write: 'x-forwarded-for', 'forwarded',
	 * 'x-real-ip'. Any other is the client's own and ignored; of several present, the
	 * first listed is read.
	 */
	private List<ForwardedHeader> forwardedHeaders = new ArrayList<>(List.of(ForwardedHeader.X_FORWARDED_FOR));

	/**
	 * Length of the network prefix that identifies an IPv6 client, from 1 to 128: every
	 * address of the network shares one bucket.
	 */
	private int ipv6PrefixLength = ServletClientKeyResolvers.DEFAULT_IPV6_PREFIX_LENGTH;

	/**
	 * Rate-limit headers of HTTP responses.
	 */
	private final Headers headers = new Headers();

	/**
	 * Buckets kept in this JVM, without Redis or during an outage.
	 */
	private final Local local = new Local();

	/**
	 * Shares of the limits that each instance enforces during a Redis outage.
	 */
	private final FairShare fairShare = new FairShare();

	/**
	 * Tiers by name, as named by @RateLimited.
	 */
	private Map<String, Tier> tiers = defaultTiers();

	/**
	 * Rate limits applied to HTTP requests by path and method, without an annotation;
	 * the first route that matches a request applies.
	 */
	private List<Route> routes = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	public ClientKeySpec getKeyResolver() {
		return this.keyResolver;
	}

	public void setKeyResolver(ClientKeySpec keyResolver) {
		this.keyResolver = keyResolver;
	}

	public List<String> getTrustedProxies() {
		return this.trustedProxies;
	}

	public void setTrustedProxies(List<String> trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

	public List<ForwardedHeader> getForwardedHeaders() {
		return this.forwardedHeaders;
	}

	public void setForwardedHeaders(List<ForwardedHeader> forwardedHeaders) {
		this.forwardedHeaders = forwardedHeaders;
	}

	public int getIpv6PrefixLength() {
		return this.ipv6PrefixLength;
	}

	public void setIpv6PrefixLength(int ipv6PrefixLength) {
		this.ipv6PrefixLength = ipv6PrefixLength;
	}

	public Headers getHeaders() {
		return this.headers;
	}

	public Local getLocal() {
		return this.local;
	}

	public FairShare getFairShare() {
		return this.fairShare;
	}

	public Map<String, Tier> getTiers() {
		return this.tiers;
	}

	public void setTiers(Map<String, Tier> tiers) {
		this.tiers = tiers;
	}

	private static Map<String, Tier> defaultTiers() {
		Map<String, Tier> tiers = new LinkedHashMap<>();
		tiers.put("chat", new Tier(5, 1, Duration.ofSeconds(10)));
		tiers.put("content", new Tier(100, 10, Duration.ofSeconds(1)));
		tiers.put("admin", new Tier(50, 5, Duration.ofSeconds(1)));
		return tiers;
	}

	public List<Route> getRoutes() {
		return this.routes;
	}

	public void setRoutes(List<Route> routes) {
		this.routes = routes;
	}

	/**
	 * A rate limit applied to servlet requests by path and method.
	 */
	public static class Route {

		/**
		 * Path pattern of the requests, in Spring's PathPattern syntax, such as
		 * '/api/llm/**'.
		 */
		private @Nullable String path;

		/**
		 * HTTP methods of the requests, such as POST; every method when empty. GET
		 * includes HEAD, which Spring MVC answers with the GET handler.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * Tier whose buckets the requests take tokens from.
		 */
		private @Nullable String tier;

		/**
		 * How the requests' clients are told apart, overriding the tier's key-resolver.
		 */
		private @Nullable ClientKeySpec keyResolver;

		/**
		 * Tokens a request takes.
		 */
		private long cost = 1;

		public @Nullable String getPath() {
			return this.path;
		}

		public void setPath(@Nullable String path) {
			this.path = path;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public @Nullable String getTier() {
			return this.tier;
		}

		public void setTier(@Nullable String tier) {
			this.tier = tier;
		}

		public @Nullable ClientKeySpec getKeyResolver() {
			return this.keyResolver;
		}

		public void setKeyResolver(@Nullable ClientKeySpec keyResolver) {
			this.keyResolver = keyResolver;
		}

		public long getCost() {
			return this.cost;
		}

		public void setCost(long cost) {
			this.cost = cost;
		}

	}

	/**
	 * Rate-limit headers of HTTP responses.
	 */
	public static class Headers {

		/**
		 * Whether responses of rate-limited handlers carry X-RateLimit-Limit,
		 * X-RateLimit-Remaining and X-RateLimit-Reset. Retry-After is always sent with a
		 * 429.
		 */
		private boolean enabled = true;

		/**
		 * Whether responses also carry the IETF draft RateLimit-Policy and RateLimit
		 * fields.
		 */
		private boolean ietf = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isIetf() {
			return this.ietf;
		}

		public void setIetf(boolean ietf) {
			this.ietf = ietf;
		}

	}

	/**
	 * Buckets kept in this JVM.
	 */
	public static class Local {

		/**
		 * Maximum number of clients per tier whose buckets are kept in this JVM; beyond
		 * it the least recently used are dropped, and start over full.
		 */
		private long maxBuckets = 100_000;

		public long getMaxBuckets() {
			return this.maxBuckets;
		}

		public void setMaxBuckets(long maxBuckets) {
			this.maxBuckets = maxBuckets;
		}

	}

	/**
	 * Shares of the limits during a Redis outage: each instance announces itself in Redis
	 * and, while Redis is away, the local buckets of the 'local' tiers hold 1/N of every
	 * limit, N being the instances it last saw alive.
	 */
	public static class FairShare {

		/**
		 * Whether each instance enforces its share of the limits during an outage rather
		 * than the whole limits.
		 */
		private boolean enabled = true;

		/**
		 * Time between two announcements of this instance in Redis.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(5);

		/**
		 * How long after its last announcement an instance still counts as alive; longer
		 * than the heartbeat interval.
		 */
		private Duration instanceTimeout = Duration.ofSeconds(15);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getInstanceTimeout() {
			return this.instanceTimeout;
		}

		public void setInstanceTimeout(Duration instanceTimeout) {
			this.instanceTimeout = instanceTimeout;
		}

	}

	/**
	 * One token bucket: at most 'capacity' tokens, refilled continuously at
	 * 'refill-tokens' per 'refill-period'.
	 */
	public static class Limit {

		/**
		 * Most tokens the bucket holds: the burst a client may send at once.
		 */
		private long capacity;

		/**
		 * Tokens added to the bucket every refill period, continuously.
		 */
		private long refillTokens;

		/**
		 * Time in which the bucket gains refill-tokens tokens.
		 */
		private @Nullable Duration refillPeriod;

		public Limit() {
		}

		Limit(long capacity, long refillTokens, Duration refillPeriod) {
			this.capacity = capacity;
			this.refillTokens = refillTokens;
			this.refillPeriod = refillPeriod;
		}

		public long getCapacity() {
			return this.capacity;
		}

		public void setCapacity(long capacity) {
			this.capacity = capacity;
		}

		public long getRefillTokens() {
			return this.refillTokens;
		}

		public void setRefillTokens(long refillTokens) {
			this.refillTokens = refillTokens;
		}

		public @Nullable Duration getRefillPeriod() {
			return this.refillPeriod;
		}

		public void setRefillPeriod(@Nullable Duration refillPeriod) {
			this.refillPeriod = refillPeriod;
		}

	}

	/**
	 * A tier: its main limit, further limits a call must also pass, how its clients are
	 * told apart, and what it does while Redis is unavailable.
	 */
	public static class Tier extends Limit {

		/**
		 * Further limits every call must also pass, such as 1000 per hour on top of the
		 * burst.
		 */
		private List<Limit> extraLimits = new ArrayList<>();

		/**
		 * How this tier's clients are told apart, overriding
		 * 'tiergate.rate-limit.key-resolver'.
		 */
		private @Nullable ClientKeySpec keyResolver;

		/**
		 * What calls do while Redis is unavailable: checked against buckets in this JVM,
		 * all allowed, or all denied.
		 */
		private OnRedisFailure onRedisFailure = OnRedisFailure.LOCAL;

		/**
		 * Most calls of one client in flight at once, across every instance; 0 for no
		 * limit. A call over it is rejected like one without tokens, with Retry-After 1.
		 */
		private int maxConcurrent;

		/**
		 * How long a call's lease lasts at most, with max-concurrent: the time a dead
		 * instance's calls keep their places. Set it above the longest call: a call that
		 * outlives it no longer counts, so another may start. At least 1s.
		 */
		private Duration leaseTtl = Duration.ofMinutes(1);

		/**
		 * Plans by name, each with limits of its own that replace the tier's for the calls
		 * the PlanResolver bean assigns to it.
		 */
		private Map<String, Plan> plans = new LinkedHashMap<>();

		/**
		 * Whether calls the buckets refuse are refused ('enforce') or allowed and counted
		 * as 'shadow-rejected' ('shadow'), for trying a limit on live traffic.
		 */
		private RateLimitTier.Mode mode = RateLimitTier.Mode.ENFORCE;

		/**
		 * What a token counts, the quota unit 'qu' of the IETF RateLimit-Policy field:
		 * 'requests', 'content-bytes', 'concurrent-requests' or another lower-case name.
		 */
		private String unit = RateLimitTier.REQUESTS;

		public Tier() {
		}

		Tier(long capacity, long refillTokens, Duration refillPeriod) {
			super(capacity, refillTokens, refillPeriod);
		}

		public List<Limit> getExtraLimits() {
			return this.extraLimits;
		}

		public void setExtraLimits(List<Limit> extraLimits) {
			this.extraLimits = extraLimits;
		}

		public @Nullable ClientKeySpec getKeyResolver() {
			return this.keyResolver;
		}

		public void setKeyResolver(@Nullable ClientKeySpec keyResolver) {
			this.keyResolver = keyResolver;
		}

		public RateLimitTier.Mode getMode() {
			return this.mode;
		}

		public void setMode(RateLimitTier.Mode mode) {
			this.mode = mode;
		}

		public String getUnit() {
			return this.unit;
		}

		public void setUnit(String unit) {
			this.unit = unit;
		}

		public OnRedisFailure getOnRedisFailure() {
			return this.onRedisFailure;
		}

		public void setOnRedisFailure(OnRedisFailure onRedisFailure) {
			this.onRedisFailure = onRedisFailure;
		}

		public int getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(int maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

		public Map<String, Plan> getPlans() {
			return this.plans;
		}

		public void setPlans(Map<String, Plan> plans) {
			this.plans = plans;
		}

	}

	/**
	 * A plan of a tier: a main limit and further limits, in place of the tier's.
	 */
	public static class Plan extends Limit {

		/**
		 * Further limits every call of the plan must also pass.
		 */
		private List<Limit> extraLimits = new ArrayList<>();

		public List<Limit> getExtraLimits() {
			return this.extraLimits;
		}

		public void setExtraLimits(List<Limit> extraLimits) {
			this.extraLimits = extraLimits;
		}

	}

}
