package dev.tiergate.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.tiergate.cache.redis.RedisCacheInvalidations;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.RedisUnavailableException;
import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Main limits of tiers changed at run time, for every instance: kept in the Redis hash
 * {@code <namespace>:rl-overrides} (one field per tier, its value plain JSON fields,
 * never a class name), and announced on the channel
 * {@code <namespace>:rl-overrides:invalidations}. A message only names the tier: each
 * instance reads the tier's value from the hash, so a message cannot carry limits of its
 * own. The write and its announcement are one script, so either both happen or neither.
 * Instances read the whole hash at startup and whenever their subscription comes back
 * after a time in which they may have missed a message (the subscription is
 * {@link RedisCacheInvalidations}', with its retries and self-check).
 */
public final class RedisTierOverrides implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisTierOverrides.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final String WRITE_AND_ANNOUNCE = """
			if ARGV[2] == '' then
				redis.call('HDEL', KEYS[1], ARGV[1])
			else
				redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
			end
			redis.call('PUBLISH', ARGV[3], ARGV[4])
			return 1
			""";

	private final GuardedRedis redis;

	private final RateLimiters rateLimiters;

	private final byte[] key;

	private final RedisCacheInvalidations announcements;

	/**
	 * Creates the overrides of an application's tiers; {@link #start()} applies them.
	 * @param redis the guarded connection
	 * @param namespace the namespace of the rate-limit keys
	 * @param rateLimiters the tiers to change
	 */
	public RedisTierOverrides(GuardedRedis redis, String namespace, RateLimiters rateLimiters) {
		this.redis = redis;
		this.rateLimiters = rateLimiters;
		this.key = (namespace + ":rl-overrides").getBytes(StandardCharsets.UTF_8);
		this.announcements = new RedisCacheInvalidations(redis, namespace + ":rl-overrides");
	}

	/**
	 * Subscribes to the other instances' changes, and applies the stored ones. When Redis
	 * cannot be reached now, the tiers keep their configured limits until the
	 * subscription is up, which reads them all.
	 */
	public void start() {
		this.announcements.onResubscribed(this::applyAll);
		this.announcements.subscribe((tier, ignored) -> apply(tier));
		try {
			applyAll();
		}
		catch (RedisUnavailableException ex) {
			logger.warn("Cannot read the changed rate limits from Redis (" + ex.getMessage()
					+ "); the configured limits apply until the subscription is up");
		}
	}

	/**
	 * Returns whether this instance hears of the other instances' changes now.
	 * @return whether subscribed
	 */
	public boolean isSubscribed() {
		return this.announcements.isSubscribed();
	}

	/**
	 * Changes a tier's main limit in every instance.
	 * @param tier the tier name
	 * @param limit the new main limit
	 * @throws IllegalArgumentException when there is no such tier
	 * @throws RedisUnavailableException when Redis cannot be reached: nothing changed
	 */
	public void change(String tier, RateLimitTier.Limit limit) {
		TierRateLimiter limiter = this.rateLimiters.get(tier);
		StoredLimit stored = new StoredLimit(limit.capacity(), limit.refillTokens(), limit.refillPeriod().toString());
		writeAndAnnounce(tier, mapper.writeValueAsString(stored));
		limiter.changeMainLimit(limit);
	}

	/**
	 * Gives a tier back its configured main limit in every instance.
	 * @param tier the tier name
	 * @throws IllegalArgumentException when there is no such tier
	 * @throws RedisUnavailableException when Redis cannot be reached: nothing changed
	 */
	public void revert(String tier) {
		TierRateLimiter limiter = this.rateLimiters.get(tier);
		writeAndAnnounce(tier, "");
		limiter.changeMainLimit(null);
	}

	private void writeAndAnnounce(String tier, String value) {
		byte[][] keys = { this.key };
		byte[][] arguments = { utf8(tier), utf8(value), utf8(this.announcements.channel()),
				this.announcements.message(tier, null) };
		this.redis.call((commands) -> commands.<Long>eval(WRITE_AND_ANNOUNCE, ScriptOutputType.INTEGER, keys,
				arguments));
	}

	/** Reads one tier's stored limit, for an announcement of another instance. */
	private void apply(String tier) {
		TierRateLimiter limiter = this.rateLimiters.find(tier);
		if (limiter == null) {
			return;
		}
		try {
			byte[] value = this.redis.call((commands) -> commands.hget(this.key, utf8(tier)));
			limiter.changeMainLimit((value != null) ? parse(tier, value) : null);
		}
		catch (RedisUnavailableException ex) {
			// The subscription will be lost too, and its return reads every tier.
			logger.warn("Cannot read the changed limit of rate-limit tier '" + tier + "' (" + ex.getMessage() + ")");
		}
	}

	private void applyAll() {
		Map<byte[], byte[]> stored = this.redis.call((commands) -> commands.hgetall(this.key));
		Map<String, byte[]> byTier = new HashMap<>();
		stored.forEach((field, value) -> byTier.put(new String(field, StandardCharsets.UTF_8), value));
		for (TierRateLimiter limiter : this.rateLimiters.all()) {
			String tier = limiter.configuredTier().name();
			byte[] value = byTier.get(tier);
			limiter.changeMainLimit((value != null) ? parse(tier, value) : null);
		}
	}

	/** A value that is not a valid limit (written by hand?) is ignored: the tier keeps its configured limit. */
	private static RateLimitTier.@Nullable Limit parse(String tier, byte[] value) {
		try {
			StoredLimit stored = mapper.readValue(value, StoredLimit.class);
			return new RateLimitTier.Limit(stored.capacity(), stored.refillTokens(),
					Duration.parse(stored.refillPeriod()));
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring the changed limit of rate-limit tier '" + tier + "' stored in Redis, which is not a"
					+ " valid limit: " + ex.getMessage());
			return null;
		}
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.announcements.close();
	}

	/** A limit as stored in Redis: plain fields, the period in ISO-8601. */
	record StoredLimit(long capacity, long refillTokens, String refillPeriod) {
	}

}
