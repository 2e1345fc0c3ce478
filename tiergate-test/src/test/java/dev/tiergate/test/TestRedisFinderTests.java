package dev.tiergate.test;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tests for the order in which {@link TestRedis} looks for a Redis, and for its failure
 * when there is none.
 */
class TestRedisFinderTests {

	@Test
	void aUrlFromTheEnvironmentIsUsedBeforeAnythingIsStarted() {
		RedisEndpoint running = TestRedis.shared();
		RedisEndpoint found = TestRedis.find(running.uri(), () -> fail("no container when a URL is set"), null,
				() -> fail("no embedded binary when a URL is set"));
		assertThat(found).isEqualTo(running);
	}

	@Test
	void aUrlThatIsNotUsableFailsWithoutTryingTheOthers() {
		assertThatIllegalStateException()
			.isThrownBy(() -> TestRedis.find("rediss://user:s3cret@cache.local:6379",
					() -> fail("no container when a URL is set"), null, () -> fail("no embedded binary")))
			.withMessageContaining(TestRedis.URL_VARIABLE + " is set but not usable")
			.withMessageNotContaining("s3cret");
	}

	@Test
	void withoutDockerOrRedisServerTheEmbeddedBinaryIsStarted() {
		RedisEndpoint found = TestRedis.find(null, () -> null, null, TestRedis::embeddedRedisBinary);
		try (RedisProbe probe = new RedisProbe(found)) {
			assertThat(probe.commands().info("server")).contains("redis_version:6.2.");
		}
	}

	@Test
	void whenNothingGivesARedisTheFailureSaysWhatWasTriedAndWhatToInstall() {
		assertThatIllegalStateException().isThrownBy(() -> TestRedis.find(null, () -> {
			throw new NoClassDefFoundError("org/testcontainers/DockerClientFactory");
		}, Path.of("/nonexistent/redis-server"), () -> {
			throw new IllegalStateException("there is no redis-server-6.2.6-v5-linux-amd64 on the class path");
		}))
			.withMessageContaining(TestRedis.URL_VARIABLE + " not set")
			.withMessageContaining("redis:7 container failed: java.lang.NoClassDefFoundError")
			.withMessageContaining("redis-server on the PATH (/nonexistent/redis-server) failed")
			.withMessageContaining("embedded binary failed: there is no redis-server-6.2.6-v5-linux-amd64")
			.withMessageContaining("Install redis-server 6.2 or later")
			.withMessageContaining("make Docker available")
			.withMessageContaining("set " + TestRedis.URL_VARIABLE);
	}

}
