package dev.tiergate.ratelimit.interceptor;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.interceptor.KeySource;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link RateLimitOperationSource}: which {@code @RateLimited} applies to a
 * method, found as Spring finds its annotations (the method on the target class, then
 * the class, then the interface method, then the interface; the first that declares one
 * wins). Without Redis: the buckets are in this JVM, which does not change which tier
 * applies.
 */
class RateLimitOperationSourceTests {

	// "one" lets a client through once an hour, "many" a hundred times: the tier that
	// applies shows in whether a second call passes.
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withPropertyValues("spring.aop.proxy-target-class=false", "tiergate.rate-limit.tiers.one.capacity=1",
				"tiergate.rate-limit.tiers.one.refill-tokens=1", "tiergate.rate-limit.tiers.one.refill-period=1h",
				"tiergate.rate-limit.tiers.many.capacity=100", "tiergate.rate-limit.tiers.many.refill-tokens=100",
				"tiergate.rate-limit.tiers.many.refill-period=1h");

	// For classes without interfaces, and where the class's own methods are called.
	private final ApplicationContextRunner classProxies = this.runner
		.withPropertyValues("spring.aop.proxy-target-class=true");

	@Test
	void theImplementationMethodsAnnotationReplacesTheInterfaceMethods() {
		this.runner.withBean(Api.class, MethodOverInterfaceMethod::new).run((context) -> {
			Api api = context.getBean(Api.class);
			api.call();
			assertThatNoException().as("tier 'many' of the implementation applies, not 'one' of the interface")
				.isThrownBy(api::call);
		});
	}

	@Test
	void theImplementationClassesAnnotationReplacesTheInterfaceMethods() {
		this.runner.withBean(Api.class, ClassOverInterfaceMethod::new).run((context) -> {
			Api api = context.getBean(Api.class);
			api.call();
			assertThatNoException().as("tier 'many' of the implementation class applies, not 'one' of the interface")
				.isThrownBy(api::call);
		});
	}

	@Test
	void aMethodsAnnotationReplacesItsClasses() {
		this.classProxies.withBean(MethodOverClass.class, MethodOverClass::new)
			.run((context) -> {
				MethodOverClass service = context.getBean(MethodOverClass.class);
				service.limitedByTheMethod();
				assertThatExceptionOfType(RateLimitExceededException.class)
					.as("tier 'one' of the method applies, not 'many' of the class")
					.isThrownBy(service::limitedByTheMethod);
				service.limitedByTheClass();
				assertThatNoException().isThrownBy(service::limitedByTheClass);
			});
	}

	@Test
	void theInterfaceMethodsAnnotationAppliesWhenTheImplementationDeclaresNone() {
		this.runner.withBean(Api.class, InterfaceMethodOnly::new).run((context) -> {
			Api api = context.getBean(Api.class);
			api.call();
			assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(api::call);
		});
	}

	@Test
	void aComposedAnnotationIsHonoured() {
		this.classProxies.withBean(Composed.class, Composed::new)
			.run((context) -> {
				Composed service = context.getBean(Composed.class);
				service.call();
				assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(service::call);
			});
	}

	@Test
	void twoRateLimitedAnnotationsOnOneMethodFailStartupNamingTheMethod() {
		this.classProxies.withBean(TwoLimits.class, TwoLimits::new)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TiergateConfigurationException.class)
				.hasMessage("method RateLimitOperationSourceTests.TwoLimits.call(): carries 2 @RateLimited annotations"
						+ " (through @LimitedOnce, @LimitedOften), but a method is limited by one tier"));
	}

	@Test
	void aKeyThatRefersToAnArgumentOfAMethodWithoutParametersSaysItHasNone() {
		this.classProxies.withBean(NoParameters.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TiergateConfigurationException.class)
				.hasMessage("method RateLimitOperationSourceTests.NoParameters.call(): key '#p0' of @RateLimited"
						+ " refers to argument 0, but the method has no parameters")
				.satisfies((ex) -> assertThat(((TiergateConfigurationException) ex).getAction())
					.isEqualTo("Remove the key.")));
	}

	@Test
	void aKeyThatNamesAParameterIsReadWithoutSpelAndNoKeyAsksTheResolver() throws Exception {
		RateLimiters limiters = new RateLimiters(List.of(new RateLimitTier("one",
				List.of(new RateLimitTier.Limit(1, 1, Duration.ofHours(1))), OnRedisFailure.LOCAL)), null,
				new ManualTimeMeter(), 10);
		RateLimitOperationSource source = new RateLimitOperationSource(() -> limiters,
				(tier) -> ClientKeyResolver.GLOBAL, null);
		Keyed target = new Keyed();
		RateLimitOperation byUser = source.get(Keyed.class.getMethod("byUser", String.class), target);
		assertThat(byUser.key()).isEqualTo(new KeySource.Argument(0));
		assertThat(byUser.needsEvaluation()).isFalse();
		assertThat(byUser.clientKey(new Object[] { "alice" }, null)).isEqualTo("key:alice");
		RateLimitOperation byResolver = source.get(Keyed.class.getMethod("byResolver", String.class), target);
		assertThat(byResolver.key()).isNull();
		assertThat(byResolver.needsEvaluation()).isFalse();
		assertThat(byResolver.clientKey(new Object[] { "alice" }, null)).isEqualTo("global");
	}

	static class Keyed {

		@RateLimited(value = "one", key = "#user")
		public void byUser(String user) {
		}

		@RateLimited("one")
		public void byResolver(String user) {
		}

	}

	public static class NoParameters {

		@RateLimited(value = "one", key = "#p0")
		public void call() {
		}

	}

	interface Api {

		@RateLimited("one")
		void call();

	}

	static class MethodOverInterfaceMethod implements Api {

		@Override
		@RateLimited("many")
		public void call() {
		}

	}

	@RateLimited("many")
	static class ClassOverInterfaceMethod implements Api {

		@Override
		public void call() {
		}

	}

	static class InterfaceMethodOnly implements Api {

		@Override
		public void call() {
		}

	}

	@RateLimited("many")
	public static class MethodOverClass {

		@RateLimited("one")
		public void limitedByTheMethod() {
		}

		public void limitedByTheClass() {
		}

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@RateLimited("one")
	@interface LimitedOnce {

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@RateLimited("many")
	@interface LimitedOften {

	}

	public static class Composed {

		@LimitedOnce
		public void call() {
		}

	}

	public static class TwoLimits {

		@LimitedOnce
		@LimitedOften
		public void call() {
		}

	}

}
