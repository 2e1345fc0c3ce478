package dev.tiergate.aot;

import dev.tiergate.MethodExpressionRoot;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints of {@link TiergateRuntimeHints}, and their registration.
 */
class TiergateRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	TiergateRuntimeHintsTests() {
		new TiergateRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void theTokenBucketScriptIsAResourceAtThePathItIsReadFrom() {
		assertThat(RuntimeHintsPredicates.resource().forResource(TiergateRuntimeHints.TOKEN_BUCKET_SCRIPT))
			.accepts(this.hints);
		assertThat(getClass().getClassLoader().getResource(TiergateRuntimeHints.TOKEN_BUCKET_SCRIPT))
			.as("the script where TokenBucketScript reads it")
			.isNotNull();
	}

	@Test
	void theAttributesOfEveryAnnotationCanBeRead() {
		for (Class<?> annotation : TiergateRuntimeHints.ANNOTATIONS) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(annotation)
				.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).as(annotation.getName()).accepts(this.hints);
		}
	}

	@Test
	void expressionsCanReadTheRootObject() throws Exception {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MethodExpressionRoot.class.getMethod("getArgs")))
			.accepts(this.hints);
	}

	@Test
	void springSecurityIsLookedUpByNameWhenPresent() {
		assertThat(RuntimeHintsPredicates.reflection().onType(
				org.springframework.aot.hint.TypeReference.of(TiergateRuntimeHints.SECURITY_CONTEXT_HOLDER)))
			.accepts(this.hints);
	}

	@Test
	void bothAreRegisteredInAotFactories() {
		SpringFactoriesLoader loader = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories");
		assertThat(loader.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(TiergateRuntimeHints.class);
		assertThat(loader.load(BeanRegistrationAotProcessor.class))
			.hasAtLeastOneElementOfType(TiergateBeanRegistrationAotProcessor.class);
	}

}
