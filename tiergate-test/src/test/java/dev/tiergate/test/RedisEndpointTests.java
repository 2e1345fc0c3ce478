package dev.tiergate.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RedisEndpoint}.
 */
class RedisEndpointTests {

	@Test
	void parsesAUriWithoutCredentials() {
		RedisEndpoint endpoint = RedisEndpoint.parse("redis://cache.local:6380");
		assertThat(endpoint).isEqualTo(new RedisEndpoint("cache.local", 6380));
		assertThat(endpoint.uri()).isEqualTo("redis://cache.local:6380");
	}

	@Test
	void theDefaultPortIs6379() {
		assertThat(RedisEndpoint.parse("redis://cache.local").port()).isEqualTo(6379);
		assertThat(RedisEndpoint.parse("redis://cache.local/").port()).isEqualTo(6379);
	}

	@Test
	void urisWithCredentialsAreParsedAndShownWithoutThem() {
		RedisEndpoint endpoint = RedisEndpoint.parse("redis://app:s3cret@cache.local:6380");
		assertThat(endpoint).isEqualTo(new RedisEndpoint("cache.local", 6380, "app", "s3cret"));
		assertThat(endpoint.uri()).isEqualTo("redis://app:s3cret@cache.local:6380");
		assertThat(endpoint).hasToString("redis://cache.local:6380");
	}

	@Test
	void aPasswordAloneIsThePasswordOfTheDefaultUser() {
		assertThat(RedisEndpoint.parse("redis://s3cret@cache.local:6380"))
			.isEqualTo(new RedisEndpoint("cache.local", 6380, null, "s3cret"));
		RedisEndpoint endpoint = RedisEndpoint.parse("redis://:s3cret@cache.local:6380");
		assertThat(endpoint).isEqualTo(new RedisEndpoint("cache.local", 6380, null, "s3cret"));
		assertThat(endpoint.uri()).isEqualTo("redis://:s3cret@cache.local:6380");
	}

	@Test
	void credentialsAreEncodedInTheUriAndDecodedWhenParsed() {
		RedisEndpoint endpoint = new RedisEndpoint("localhost", 6379, "us:er", "p@ss+w rd");
		assertThat(endpoint.uri()).isEqualTo("redis://us%3Aer:p%40ss%2Bw%20rd@localhost:6379");
		assertThat(RedisEndpoint.parse(endpoint.uri())).isEqualTo(endpoint);
	}

	@Test
	void rejectsWhatIsNotARedisUriWithoutRepeatingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse("rediss://user:s3cret@host:6379"))
			.withMessageNotContaining("s3cret");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse("redis://user:s3cret@host:6379/2"))
			.withMessageNotContaining("s3cret");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse("redis://user:s3 cret@host:6379"))
			.withMessageNotContaining("s3 cret");
	}

	@Test
	void aUserNameNeedsAPassword() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisEndpoint("localhost", 6379, "user", null));
	}

}
