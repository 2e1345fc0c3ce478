package dev.tiergate.ratelimit.web;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimitTier;
import org.jspecify.annotations.Nullable;

/**
 * The response header fields of a decision, for every web stack (Spring MVC's
 * {@link RateLimitResponseHeaders}, WebFlux's):
 * <ul>
 * <li>{@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset} (seconds until full) of the limit closest to exhaustion,
 * unless switched off;</li>
 * <li>optionally the fields of draft-ietf-httpapi-ratelimit-headers-11, as Structured
 * Fields: {@code RateLimit-Policy} ({@code "chat";q=5;w=50}: an item per limit of the
 * tier, its name quoted, {@code w} being the seconds an empty bucket takes to fill, and
 * {@code qu="content-bytes"} when the tier's unit is not requests) and {@code RateLimit}
 * ({@code "chat";r=0;t=50}: the limit closest to exhaustion, {@code t} the seconds until
 * it is full);</li>
 * <li>{@code Retry-After} (seconds, at least 1) when rejected, always.</li>
 * </ul>
 * A call of a shadow tier that its buckets refused gets the headers of the refusal but
 * no {@code Retry-After}: it was not refused.
 */
public final class RateLimitHeaders {

	private static final long SF_INTEGER_MAX = 999_999_999_999_999L;

	private final boolean rateLimitHeaders;

	private final boolean ietfHeaders;

	/** Per tier name, the policy of the tier's limits now: a live change of its limits replaces it. */
	private final ConcurrentMap<String, Policy> policies = new ConcurrentHashMap<>();

	/**
	 * Creates a writer.
	 * @param rateLimitHeaders whether to write the {@code X-RateLimit-*} headers
	 * @param ietfHeaders whether to write the IETF draft {@code RateLimit-Policy} and
	 * {@code RateLimit} fields
	 */
	public RateLimitHeaders(boolean rateLimitHeaders, boolean ietfHeaders) {
		this.rateLimitHeaders = rateLimitHeaders;
		this.ietfHeaders = ietfHeaders;
	}

	/**
	 * Returns whether a decision is the one a response should describe rather than an
	 * earlier one of the same request: the one with the fewest tokens left, or the last
	 * rejection.
	 * @param earlier the decision described so far, if any (anything else counts as none)
	 * @param decision the new decision
	 * @return whether to write the new one
	 */
	public static boolean supersedes(@Nullable Object earlier, RateLimitDecision decision) {
		return !(decision.isAllowed() && earlier instanceof RateLimitDecision described
				&& (!described.isAllowed() || described.remaining() <= decision.remaining()));
	}

	/**
	 * Sets the fields of a decision.
	 * @param decision the decision
	 * @param header sets one field, replacing any value it had
	 */
	public void write(RateLimitDecision decision, BiConsumer<String, String> header) {
		if (this.rateLimitHeaders) {
			header.accept("X-RateLimit-Limit", Long.toString(decision.capacity()));
			header.accept("X-RateLimit-Remaining", Long.toString(decision.remaining()));
			header.accept("X-RateLimit-Reset", Long.toString(decision.resetSeconds()));
		}
		if (this.ietfHeaders) {
			RateLimitTier tier = decision.tier();
			Policy policy = this.policies.get(tier.name());
			if (policy == null || policy.tier() != tier) {
				policy = new Policy(tier, policy(tier));
				this.policies.put(tier.name(), policy);
			}
			header.accept("RateLimit-Policy", policy.header());
			header.accept("RateLimit", quotedPolicyName(tier, decision.limitIndex()) + ";r="
					+ sfInteger(decision.remaining()) + ";t=" + sfInteger(decision.resetSeconds()));
		}
		if (!decision.isAllowed()) {
			header.accept("Retry-After", Long.toString(decision.retryAfterSeconds()));
		}
	}

	private static String policy(RateLimitTier tier) {
		StringBuilder policy = new StringBuilder();
		List<RateLimitTier.Limit> limits = tier.limits();
		for (int i = 0; i < limits.size(); i++) {
			RateLimitTier.Limit limit = limits.get(i);
			long windowNanos = limit.nanosToFill(limit.capacity());
			long windowSeconds = Math.max(1, (windowNanos + 999_999_999L) / 1_000_000_000L);
			if (i > 0) {
				policy.append(", ");
			}
			policy.append(quotedPolicyName(tier, i))
				.append(";q=")
				.append(sfInteger(limit.capacity()))
				.append(";w=")
				.append(sfInteger(windowSeconds));
			if (!RateLimitTier.REQUESTS.equals(tier.unit())) {
				// A unit is a lower-case name (checked by the tier): nothing to escape.
				policy.append(";qu=\"").append(tier.unit()).append('"');
			}
		}
		return policy.toString();
	}

	/**
	 * The policy name of a limit as a Structured Fields string: the tier's name for its
	 * main limit, then {@code <tier>-1}, {@code <tier>-2} for its extra limits.
	 */
	static String quotedPolicyName(RateLimitTier tier, int index) {
		return sfString((index == 0) ? tier.name() : tier.name() + "-" + index);
	}

	/** RFC 8941 sf-string: quoted, {@code "} and {@code \} escaped, only printable ASCII. */
	private static String sfString(String text) {
		StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\');
			}
			quoted.append((c < 0x20 || c > 0x7e) ? '_' : c);
		}
		return quoted.append('"').toString();
	}

	/** RFC 8941 sf-integer: at most 15 digits, so a larger count is capped. */
	static long sfInteger(long value) {
		return Math.min(value, SF_INTEGER_MAX);
	}

	private record Policy(RateLimitTier tier, String header) {
	}

}
