package dev.tiergate.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one parser of {@code key-resolver} settings.
 */
class ClientKeySpecTests {

	@Test
	void theFourFormsParseAndWriteBackAsTheyAreWritten() {
		assertThat(ClientKeySpec.parse("ip")).isSameAs(ClientKeySpec.IP);
		assertThat(ClientKeySpec.parse("user")).isSameAs(ClientKeySpec.USER);
		assertThat(ClientKeySpec.parse("global")).isSameAs(ClientKeySpec.GLOBAL);
		assertThat(ClientKeySpec.parse("header:X-Api-Key")).isEqualTo(new ClientKeySpec.Header("X-Api-Key"));
		for (String text : new String[] { "ip", "user", "global", "header:X-Api-Key" }) {
			assertThat(ClientKeySpec.parse(text).text()).isEqualTo(text);
		}
	}

	@Test
	void textOfNoKnownFormIsUnknownAndKeptForTheMessage() {
		for (String text : new String[] { "", "IP", "header:", "header:X Api", "header:a/b", "header:é", "cookie:x" }) {
			assertThat(ClientKeySpec.parse(text)).isEqualTo(new ClientKeySpec.Unknown(text));
		}
	}

	@Test
	void requestsLessApplicationsShareOneBucketExceptForGlobal() {
		assertThat(ClientKeyResolvers.WITHOUT_REQUESTS.forSpec(ClientKeySpec.GLOBAL)).isSameAs(ClientKeyResolver.GLOBAL);
		assertThat(ClientKeyResolvers.WITHOUT_REQUESTS.forSpec("header:X-Api-Key")).isSameAs(ClientKeyResolver.NONE);
	}

}
