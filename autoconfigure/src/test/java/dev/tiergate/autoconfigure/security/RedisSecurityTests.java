package dev.tiergate.autoconfigure.security;

import java.time.Duration;

import dev.tiergate.autoconfigure.cache.CacheTestApplication;
import dev.tiergate.autoconfigure.cache.Catalog;
import dev.tiergate.cache.CacheStatistics;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.health.TiergateHealthIndicator;
import dev.tiergate.ratelimit.RateLimitDecision;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestCertificates;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tiergate's own connection honours Spring Boot's TLS and credentials exactly like the
 * application's, works with a least-privilege ACL user, and wrong credentials leave the
 * application up, in fallback, without the password in health or logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisSecurityTests {

	/** The ACL documented in docs/operations.md, for the namespace {@code catalog-it}. */
	private static final String[] MINIMAL_ACL = { "ACL", "SETUSER", "tiergate", "on", ">tiergate-Pa55word",
			"resetkeys", "~catalog-it:*", "~{catalog-it:rl:*", "resetchannels", "&catalog-it:*", "-@all", "+get",
			"+set", "+psetex", "+pttl", "+unlink", "+scan", "+eval", "+evalsha", "+time", "+publish", "+subscribe",
			"+ping", "+hello", "+auth", "+hget", "+hgetall", "+hset", "+hdel" };

	private static final String WRONG_PASSWORD = "Wr0ng-Pa55word-Never-Logged";

	private static TestCertificates certificates;

	private static RedisProcess redis;

	private static int tlsPort;

	@BeforeAll
	static void startRedisWithTlsAndAcl() {
		certificates = TestCertificates.create();
		tlsPort = RedisProcess.freePort();
		redis = RedisProcess.start(TestRedis.redisServerBinary(), certificates.redisServerArguments(tlsPort));
		assertThat(redis.send(MINIMAL_ACL)).isEqualTo("+OK");
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void cachesWorkOverTlsWithSpringBootsSslBundle() {
		try (ConfigurableApplicationContext context = CacheTestApplication.start(redis.endpoint(),
				WebApplicationType.NONE, "spring.data.redis.url=rediss://localhost:" + tlsPort,
				"spring.data.redis.ssl.bundle=redis",
				"spring.ssl.bundle.pem.redis.truststore.certificate=file:" + certificates.caCertificate())) {
			assertTiersWork(context);
		}
	}

	@Test
	void cachesWorkWithALeastPrivilegeAclUser() {
		try (ConfigurableApplicationContext context = CacheTestApplication.start(redis.endpoint(),
				WebApplicationType.NONE, "spring.data.redis.url=" + withCredentials("tiergate-Pa55word"))) {
			assertTiersWork(context);
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(2);
			catalog.deleteAll();
			// The clear moves the generation at once and removes the old keys in the background.
			try (RedisProbe probe = new RedisProbe(redis.endpoint())) {
				await().atMost(Duration.ofSeconds(5)).until(() -> probe.scanKeys("catalog-it:products:*").isEmpty());
			}
			assertThat(context.getBean(TieredCaches.class).get("products").statistics().errors(CacheStatistics.ErrorKind.REDIS))
				.as("no command was refused by the ACL").isZero();
		}
	}

	@Test
	void rateLimitsWorkWithTheSameLeastPrivilegeAclUser() {
		try (ConfigurableApplicationContext context = CacheTestApplication.start(redis.endpoint(),
				WebApplicationType.NONE, "spring.data.redis.url=" + withCredentials("tiergate-Pa55word"))) {
			RateLimiters rateLimiters = context.getBean(RateLimiters.class);
			// The script reads the server's clock (TIME) and writes the bucket (SET): both inside the ACL.
			RateLimitDecision decision = rateLimiters.get("chat").check("acl-client", 1);
			assertThat(decision.isAllowed()).isTrue();
			assertThat(decision.isDistributed()).as("decided in Redis, not by a local bucket").isTrue();
			assertThat(rateLimiters.isDistributed()).isTrue();
			GuardedRedis guarded = context.getBean(GuardedRedis.class);
			assertThat(guarded.state().isFallback()).as("in fallback: " + guarded.state().lastError()).isFalse();
			try (RedisProbe probe = new RedisProbe(redis.endpoint())) {
				assertThat(probe.scanKeys("{catalog-it:rl:chat:*")).hasSize(1);
			}
		}
	}

	@Test
	void wrongCredentialsStartTheApplicationInFallbackWithoutLeakingThePassword(CapturedOutput output) {
		try (ConfigurableApplicationContext context = CacheTestApplication.start(redis.endpoint(),
				WebApplicationType.NONE, "spring.data.redis.url=" + withCredentials(WRONG_PASSWORD))) {
			TiergateHealthIndicator health = context.getBean(TiergateHealthIndicator.class);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> health.health(true).getStatus().equals(TiergateHealthIndicator.DEGRADED));
			Object lastError = health.health(true).getDetails().get("lastError");
			assertThat(lastError).asString().containsIgnoringCase("WRONGPASS").doesNotContain(WRONG_PASSWORD);
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.find(3)).isEqualTo(catalog.find(3));
			assertThat(catalog.invocations("find")).isEqualTo(1);
		}
		assertThat(output.getAll()).contains("Redis is unavailable").doesNotContain(WRONG_PASSWORD);
	}

	private static String withCredentials(String password) {
		RedisEndpoint endpoint = redis.endpoint();
		return new RedisEndpoint(endpoint.host(), endpoint.port(), "tiergate", password).uri();
	}

	private static void assertTiersWork(ConfigurableApplicationContext context) {
		GuardedRedis guarded = context.getBean(GuardedRedis.class);
		assertThat(guarded.state().isFallback()).as("in fallback: " + guarded.state().lastError()).isFalse();
		assertThat(context.getBean(TiergateHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
		Catalog catalog = context.getBean(Catalog.class);
		TieredCache products = context.getBean(TieredCaches.class).get("products");
		catalog.find(1);
		products.clearL1();
		catalog.find(1);
		assertThat(catalog.invocations("find")).as("the second call was an L2 hit").isEqualTo(1);
		try (RedisProbe probe = new RedisProbe(redis.endpoint())) {
			assertThat(probe.exists("catalog-it:products:1")).isTrue();
			probe.commands().del("catalog-it:products:1");
		}
		catalog.reset();
	}

}
