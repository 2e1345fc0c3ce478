package dev.tiergate;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The engines can be built and tested with plain constructors: they do not depend on
 * Spring. Spring lives in the interceptor layer and the auto-configuration.
 */
class ArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.tiergate");

	@Test
	void enginesDoNotDependOnSpring() {
		noClasses().that()
			.resideInAnyPackage("dev.tiergate", "dev.tiergate.cache", "dev.tiergate.cache.redis",
					"dev.tiergate.cache.warmup", "dev.tiergate.redis", "dev.tiergate.ratelimit",
					"dev.tiergate.ratelimit.redis")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..")
			.check(CLASSES);
	}

	@Test
	void enginesDoNotDependOnTheSpringLayers() {
		noClasses().that()
			.resideInAnyPackage("dev.tiergate", "dev.tiergate.cache", "dev.tiergate.cache.redis",
					"dev.tiergate.cache.warmup", "dev.tiergate.redis", "dev.tiergate.ratelimit",
					"dev.tiergate.ratelimit.redis")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.tiergate.interceptor..", "dev.tiergate.cache.interceptor..",
					"dev.tiergate.ratelimit.interceptor..", "dev.tiergate.ratelimit.web..",
					"dev.tiergate.autoconfigure..")
			.check(CLASSES);
	}

	@Test
	void theSharedInterceptorKitKnowsNeitherAdvice() {
		noClasses().that()
			.resideInAPackage("dev.tiergate.interceptor..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.tiergate.cache..", "dev.tiergate.ratelimit..", "dev.tiergate.autoconfigure..")
			.check(CLASSES);
	}

	@Test
	void theRateLimitInterceptorWorksWithoutServletClasses() {
		noClasses().that()
			.resideInAPackage("dev.tiergate.ratelimit.interceptor..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("jakarta.servlet..", "dev.tiergate.ratelimit.web..", "org.springframework.web..")
			.check(CLASSES);
	}

}
