package dev.tiergate.autoconfigure.ratelimit;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.test.RedisCluster;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisTopology;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @RateLimited} end to end on a Redis Cluster of three masters: each check is one
 * script on the node of its bucket's hash tag, with no {@code CROSSSLOT} error, and a
 * node that lost the script gets it again within the same check.
 */
@SpringBootTest(classes = RateLimitTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitedClusterIntegrationTests extends AbstractRateLimitedIntegrationTests {

	@Autowired
	private ChatService service;

	@Autowired
	private RateLimiters rateLimiters;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, RedisCluster.shared());
	}

	@Override
	protected RedisTopology topology() {
		return RedisCluster.shared();
	}

	@Test
	void bucketsOfManyClientsSpreadOverEveryMasterAndANodeWithoutTheScriptLoadsItInTheSameCheck() throws Exception {
		try (RedisProbe probe = topology().probe()) {
			// SCRIPT FLUSH on a cluster connection reaches every master.
			probe.commands().scriptFlush();
			IntStream.range(0, 30).forEach((i) -> this.service.askAs("spread-" + i, "a"));
			// The digest EVALSHA names the script by, of the script as RedisTokenBuckets reads it.
			String sha1 = HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1")
					.digest(new ClassPathResource("dev/tiergate/ratelimit/redis/token-bucket.lua").getContentAsByteArray()));
			assertThat(RedisCluster.shared().masters())
				.allSatisfy((master) -> assertThat(master.send("SCRIPT", "EXISTS", sha1)).isEqualTo("*1\r\n:1"));
			Set<Integer> owners = probe.scanKeys("{" + NAMESPACE + ":rl:chat:*")
				.stream()
				.map((key) -> RedisCluster.shared().masterOf(key).port())
				.collect(Collectors.toSet());
			assertThat(owners).hasSize(3);
		}
		assertThat(this.rateLimiters.isDistributed()).isTrue();
	}

}
