package dev.tiergate.ratelimit.web;

import java.time.Duration;
import java.util.List;

import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IETF {@code RateLimit-Policy} field follows a tier's limits when they change at run
 * time.
 */
class RateLimitPolicyHeaderTests {

	private final RateLimitResponseHeaders headers = new RateLimitResponseHeaders(true, true);

	private final TierRateLimiter chat = new RateLimiters(
			List.of(new RateLimitTier("chat", List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))),
					OnRedisFailure.LOCAL)),
			null, new ManualTimeMeter(), 100)
		.get("chat");

	@AfterEach
	void unbind() {
		RequestContextHolder.resetRequestAttributes();
	}

	@Test
	void thePolicyFollowsALiveChangeOfTheLimitAndItsRevert() {
		assertThat(policyOfACheck()).isEqualTo("\"chat\";q=5;w=50");
		this.chat.changeMainLimit(new RateLimitTier.Limit(20, 2, Duration.ofSeconds(1)));
		assertThat(policyOfACheck()).isEqualTo("\"chat\";q=20;w=10");
		this.chat.changeMainLimit(null);
		assertThat(policyOfACheck()).isEqualTo("\"chat\";q=5;w=50");
	}

	private String policyOfACheck() {
		MockHttpServletResponse response = new MockHttpServletResponse();
		RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest(), response));
		this.headers.onDecision(this.chat.check("ip:192.0.2.1", 1));
		assertThat(response.getHeader("X-RateLimit-Limit")).isNotNull();
		return response.getHeader("RateLimit-Policy");
	}

}
