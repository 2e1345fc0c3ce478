package dev.tiergate.autoconfigure.cache;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.JsonL2Codec;
import dev.tiergate.cache.L2Codec;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.cache.interceptor.TieredCacheAdvisor;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class TieredCacheAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri());

	@Test
	void withRedisThenCachesHaveAnL2() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RedisConnector.class)
				.hasSingleBean(TieredCaches.class)
				.hasSingleBean(TieredCacheAdvisor.class)
				.hasSingleBean(L2Codec.class);
			assertThat(context.getBean(TieredCaches.class).get("products").hasL2()).isTrue();
		});
	}

	@Test
	void whenRedisIsMissingThenCacheRunsOnL1Only() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, TiergateRedisAutoConfiguration.class,
					TieredCacheAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RedisConnector.class).hasSingleBean(TieredCaches.class);
				assertThat(context.getBean(TieredCaches.class).get("products").hasL2()).isFalse();
			});
	}

	@Test
	void whenLettuceIsMissingThenCacheRunsOnL1Only() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisClient.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisConnector.class);
			assertThat(context.getBean(TieredCaches.class).get("products").hasL2()).isFalse();
		});
	}

	@Test
	void backsOffWhenTheUserDefinesTheBeans() {
		this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(L2Codec.class).hasSingleBean(TieredCaches.class);
			assertThat(context.getBean(L2Codec.class)).isSameAs(context.getBean(UserBeans.class).codec);
			assertThat(context.getBean(TieredCaches.class).namespace()).isEqualTo("user");
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.contextRunner.withPropertyValues("tiergate.cache.enabled=false")
			.withUserConfiguration(ServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(TieredCaches.class).doesNotHaveBean(TieredCacheAdvisor.class);
				assertThat(AopUtils.isAopProxy(context.getBean(GoodService.class))).isFalse();
			});
	}

	@Test
	void keyPrefixDefaultsToTheApplicationName() {
		this.contextRunner.withPropertyValues("spring.application.name=shop")
			.run((context) -> assertThat(context.getBean(TieredCaches.class).namespace()).isEqualTo("shop"));
		this.contextRunner
			.run((context) -> assertThat(context.getBean(TieredCaches.class).namespace()).isEqualTo("tiergate"));
		this.contextRunner.withPropertyValues("spring.application.name=shop", "tiergate.cache.key-prefix=shop-v2")
			.run((context) -> assertThat(context.getBean(TieredCaches.class).namespace()).isEqualTo("shop-v2"));
	}

	@Test
	void annotationsWorkEvenWithoutSpringAopAutoConfiguration() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TieredCacheAutoConfiguration.class))
			.withPropertyValues("spring.aop.auto=false")
			.withUserConfiguration(ServiceConfiguration.class)
			.run((context) -> {
				GoodService service = context.getBean(GoodService.class);
				assertThat(AopUtils.isCglibProxy(service)).isTrue();
				assertThat(service.next("a")).isEqualTo(service.next("a"));
			});
	}

	@Test
	void theAdvisorOrderIsConfigurable() {
		this.contextRunner.run((context) -> assertThat(context.getBean(TieredCacheAdvisor.class).getOrder())
			.isEqualTo(TieredCacheProperties.DEFAULT_ORDER));
		this.contextRunner.withPropertyValues("tiergate.cache.order=5")
			.run((context) -> assertThat(context.getBean(TieredCacheAdvisor.class).getOrder()).isEqualTo(5));
	}

	@Test
	void aNegativeTtlFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.cache.caches.products.l1.ttl=-5s")
			.run((context) -> assertThat(failure(context)).hasMessageStartingWith("Property tiergate.cache.caches.products.l1.ttl with value ").hasMessageContaining("is invalid: It must be positive but was PT-5S"));
	}

	@Test
	void aZeroDefaultSizeFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.cache.defaults.l1.max-size=0")
			.run((context) -> assertThat(failure(context)).hasMessageStartingWith("Property tiergate.cache.defaults.l1.max-size with value ").hasMessageContaining("is invalid: It must be positive but was 0"));
	}

	@Test
	void aJitterOfOneFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.cache.caches.search.l2.ttl-jitter=1")
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("Property tiergate.cache.caches.search.l2.ttl-jitter with value "));
	}

	@Test
	void aRefreshAheadLongerThanTheTtlFailsStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("tiergate.cache.caches.quotes.l2.ttl=1m", "tiergate.cache.caches.quotes.refresh-ahead=2m")
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("Property tiergate.cache.caches.quotes.refresh-ahead with value ").hasMessageContaining("is invalid: It must be at least 0 and"
						+ " shorter than l2.ttl"));
	}

	@Test
	void aZeroMaxValueSizeFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.cache.max-value-size=0")
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("Property tiergate.cache.max-value-size with value ").hasMessageContaining("is invalid: It must be positive but was 0B"));
	}

	@Test
	void theMaxValueSizeAppliesToEveryCache() {
		this.contextRunner.withPropertyValues("tiergate.cache.max-value-size=2MB")
			.run((context) -> assertThat(context.getBean(TieredCaches.class).get("any").settings().maxValueBytes())
				.isEqualTo(2 * 1024 * 1024));
	}

	@Test
	void aNegativeStaleTtlFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("tiergate.cache.defaults.stale-ttl=-1s")
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("Property tiergate.cache.defaults.stale-ttl with value "));
	}

	@Test
	void perCacheFreshnessAndLockSettingsOverrideTheDefaults() {
		this.contextRunner
			.withPropertyValues("tiergate.cache.defaults.stale-ttl=1h", "tiergate.cache.caches.quotes.lock=true",
					"tiergate.cache.caches.quotes.lock-wait=500ms", "tiergate.cache.caches.quotes.stale-ttl=0")
			.run((context) -> {
				TieredCaches caches = context.getBean(TieredCaches.class);
				assertThat(caches.get("quotes").settings().lock()).isTrue();
				assertThat(caches.get("quotes").settings().lockWait()).hasMillis(500);
				assertThat(caches.get("quotes").settings().staleTtl()).isZero();
				assertThat(caches.get("other").settings().staleTtl()).hasHours(1);
				assertThat(caches.get("other").settings().lock()).isFalse();
			});
	}

	@Test
	void aCachedVoidMethodFailsStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(VoidServiceConfiguration.class)
			.run((context) -> assertThat(failure(context))
				.hasMessage("method TieredCacheAutoConfigurationTests.VoidService.fire(String): returns nothing, so there is no result to cache"));
	}

	@Test
	void aKeyNamingNoParameterFailsStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(UnknownParameterConfiguration.class)
			.run((context) -> assertThat(failure(context)).hasMessage(
					"method TieredCacheAutoConfigurationTests.UnknownParameterService.find(long): key '#productId' of @TieredCacheable names no"
							+ " parameter of the method (its parameters are id)"));
	}

	@Test
	void invalidSpelFailsStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(BadExpressionConfiguration.class)
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("method TieredCacheAutoConfigurationTests.BadExpressionService.find(long): condition '#id >' of"
						+ " @TieredCacheable is not valid SpEL"));
	}

	@Test
	void cacheableAndPutOnOneMethodFailStartup() {
		this.contextRunner.withUserConfiguration(ConflictingConfiguration.class)
			.run((context) -> assertThat(failure(context))
				.hasMessageContaining("carries both @TieredCacheable and @TieredCachePut"));
	}

	@Test
	void resultInACacheableKeyFailsStartup() {
		this.contextRunner.withUserConfiguration(ResultKeyConfiguration.class)
			.run((context) -> assertThat(failure(context)).hasMessageContaining("uses #result"));
	}

	private static Throwable failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable cause = context.getStartupFailure();
		while (cause != null && !(cause instanceof TiergateConfigurationException)
				&& !(cause instanceof InvalidConfigurationPropertyValueException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("tiergate's startup failure (a method or a property) among the causes of "
				+ context.getStartupFailure())
			.isNotNull();
		return cause;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		final L2Codec codec = new JsonL2Codec();

		@Bean
		L2Codec userCodec() {
			return this.codec;
		}

		@Bean
		TieredCaches userCaches() {
			return TieredCaches.builder((name) -> {
				throw new UnsupportedOperationException();
			}, "user").codec(this.codec).build();
		}

	}

	public static class GoodService {

		private int counter;

		@TieredCacheable("counter")
		public String next(String key) {
			return key + (++this.counter);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		GoodService goodService() {
			return new GoodService();
		}

	}

	public static class VoidService {

		@TieredCacheable("events")
		public void fire(String event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class VoidServiceConfiguration {

		@Bean
		VoidService voidService() {
			return new VoidService();
		}

	}

	public static class UnknownParameterService {

		@TieredCacheable(value = "products", key = "#productId")
		public String find(long id) {
			return "p" + id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownParameterConfiguration {

		@Bean
		UnknownParameterService unknownParameterService() {
			return new UnknownParameterService();
		}

	}

	public static class BadExpressionService {

		@TieredCacheable(value = "products", condition = "#id >")
		public String find(long id) {
			return "p" + id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadExpressionConfiguration {

		@Bean
		BadExpressionService badExpressionService() {
			return new BadExpressionService();
		}

	}

	public static class ConflictingService {

		@TieredCacheable("products")
		@TieredCachePut("products")
		public String find(long id) {
			return "p" + id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConflictingConfiguration {

		@Bean
		ConflictingService conflictingService() {
			return new ConflictingService();
		}

	}

	public static class ResultKeyService {

		@TieredCacheable(value = "products", key = "#result.id")
		public String find(long id) {
			return "p" + id;
		}

		@TieredCacheEvict(value = "products", key = "#result")
		public String evictByResultIsFine(long id) {
			return "p" + id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ResultKeyConfiguration {

		@Bean
		ResultKeyService resultKeyService() {
			return new ResultKeyService();
		}

	}

}
