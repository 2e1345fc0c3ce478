package dev.tiergate.autoconfigure.cache;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.CacheStatistics;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What keys share an entry and what types come back from L2, through two application
 * contexts (two instances) that share a key prefix.
 */
class TieredCacheableTypesIntegrationTests {

	private final String prefix = "types-it-" + UUID.randomUUID();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri(), "tiergate.cache.key-prefix=" + this.prefix);

	@Test
	void anL2HitOfAGenericBaseClassMethodReturnsTheDeclaredElementTypes() {
		ApplicationContextRunner runner = this.contextRunner.withUserConfiguration(GenericServices.class);
		runner.run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			assertThat(service.all("shop").get(0)).isInstanceOf(Product.class);
			service.byName("shop");
			service.array("shop");
			service.maybe("shop");
		});
		runner.run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			List<?> all = service.all("shop");
			Map<String, ?> byName = service.byName("shop");
			Object[] array = service.array("shop");
			Optional<? extends List<?>> maybe = service.maybe("shop");
			assertThat(service.invocations()).as("served from L2").isZero();
			assertThat((Object) all.get(0)).isInstanceOf(Product.class);
			assertThat((Object) byName.get("Kettle")).isInstanceOf(Product.class);
			assertThat(array).isInstanceOf(Product[].class);
			assertThat(array[0]).isInstanceOf(Product.class);
			assertThat((Object) maybe.orElseThrow().get(0)).isInstanceOf(Product.class);
		});
	}

	@Test
	void anEvictionWithAnEqualSetOfAnotherImplementationRemovesTheL2Entry() {
		AtomicReference<String> database = new AtomicReference<>("v1");
		ApplicationContextRunner runner = this.contextRunner.withUserConfiguration(SetKeyServices.class)
			.withBean(AtomicReference.class, () -> database);
		Set<String> cachedWith = new TreeSet<>(List.of("a", "b", "c"));
		Set<String> evictedWith = new LinkedHashSet<>(List.of("c", "b", "a"));
		runner.run((context) -> {
			SetKeyService service = context.getBean(SetKeyService.class);
			assertThat(service.find(cachedWith)).isEqualTo("v1");
			database.set("v2");
			service.evict(evictedWith);
		});
		runner.run((context) -> assertThat(context.getBean(SetKeyService.class).find(new TreeSet<>(cachedWith)))
			.as("another instance after the eviction")
			.isEqualTo("v2"));
	}

	@Test
	void unequalKeysWhoseEqualsCoversStateThatIsNotWrittenNeverShareAnL2Entry() {
		ApplicationContextRunner runner = this.contextRunner.withUserConfiguration(OrderServices.class);
		OrderQuery alice = new OrderQuery("open", "alice");
		OrderQuery bob = new OrderQuery("open", "bob");
		assertThat(alice).isNotEqualTo(bob);
		runner.run((context) -> assertThat(context.getBean(OrderService.class).orders(alice))
			.isEqualTo("alice's orders"));
		runner.run((context) -> {
			assertThat(context.getBean(OrderService.class).orders(bob)).isEqualTo("bob's orders");
			assertThat(context.getBean(TieredCaches.class).get("orders").statistics().errors(CacheStatistics.ErrorKind.KEY))
				.as("served without L2")
				.isEqualTo(1);
		});
	}

	@Test
	void aKeyParameterOfATypeWhoseEqualityCannotBeWrittenFailsStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(HiddenStateKeyServices.class)
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("method TieredCacheableTypesIntegrationTests.HiddenStateKeyService.orders(OrderQuery):"
						+ " the key of @TieredCacheable is parameter 'query' of type OrderQuery, which is not a type whose"
						+ " equality tiergate can write")
				.satisfies((ex) -> assertThat(((TiergateConfigurationException) ex).getAction())
					.contains("key = \"#query.id()\"")));
	}

	@Test
	void asynchronousMethodsOfTypesThatCannotBeComposedFailStartupNamingTheMethod() {
		for (Class<?> service : List.of(PublisherService.class, FutureService.class)) {
			this.contextRunner.withBean(service)
				.run((context) -> assertThat(failure(context)).hasMessageContaining(service.getSimpleName() + ".find(String)")
					.hasMessageContaining("returns an asynchronous type")
					.hasMessageContaining("do not support"));
		}
		this.contextRunner.withBean(FutureService.class)
			.run((context) -> assertThat(failure(context))
				.hasMessageContaining("a Future cannot be waited for without blocking a thread"));
	}

	@Test
	void monoFluxAndCompletionStageMethodsStartAndCacheTheirValues() {
		for (Class<?> service : List.of(MonoService.class, FluxService.class, CompletionStageService.class)) {
			this.contextRunner.withBean(service).run((context) -> assertThat(context).hasNotFailed());
		}
		this.contextRunner.withBean(MonoService.class)
			.run((context) -> assertThat(context.getBean(MonoService.class).find("a").block()).isEqualTo("a"));
		this.contextRunner.withBean(FluxService.class)
			.run((context) -> assertThat(context.getBean(FluxService.class).find("a").collectList().block())
				.containsExactly("a"));
		this.contextRunner.withBean(CompletionStageService.class)
			.run((context) -> assertThat(context.getBean(CompletionStageService.class).find("a").toCompletableFuture())
				.succeedsWithin(java.time.Duration.ofSeconds(5))
				.isEqualTo("a"));
	}

	@Test
	void aMethodReturningObjectOrARawTypeFailsStartup() {
		this.contextRunner.withBean(ObjectService.class)
			.run((context) -> assertThat(failure(context)).hasMessageContaining("ObjectService.find(String): returns Object"));
		this.contextRunner.withBean(RawService.class)
			.run((context) -> assertThat(failure(context)).hasMessageContaining("RawService.find(String): returns")
				.hasMessageContaining("the raw type List"));
	}

	@Test
	void aCacheNameWithAColonFailsStartupNamingTheMethodOrTheProperty() {
		this.contextRunner.withBean(ColonNameService.class)
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("method TieredCacheableTypesIntegrationTests.ColonNameService.find(String):"
						+ " @TieredCacheable names the cache 'products:lock', which must not contain ':'"));
		this.contextRunner.withPropertyValues("tiergate.cache.caches[a*b].l1.ttl=5s")
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("Property tiergate.cache.caches with value 'a*b'").hasMessageContaining("is invalid: The cache name 'a*b' must not contain"));
	}

	@Test
	void aMethodReturningATypeWhoseStateJacksonCannotSeeFailsStartupNamingTheMethod() {
		this.contextRunner.withBean(AccountService.class)
			.run((context) -> assertThat(failure(context))
				.hasMessageStartingWith("method TieredCacheableTypesIntegrationTests.AccountService.find(String):"
						+ " returns values that cannot be cached in Redis: Account keeps its state in fields that"
						+ " Jackson does not see")
				.hasMessageContaining("@JsonAutoDetect")
				.satisfies((ex) -> assertThat(((TiergateConfigurationException) ex).getAction())
					.contains("tiergate.cache.caches.accounts.l2.enabled=false")));
		this.contextRunner.withBean(AccountService.class)
			.withPropertyValues("tiergate.cache.caches.accounts.l2.enabled=false")
			.run((context) -> assertThat(context.getBean(AccountService.class).find("alice"))
				.isEqualTo(new Account("alice", 42L)));
	}

	@Test
	void aValueWithoutPropertiesIsKeptInL1OnlyAndCountedInsteadOfServedEmptyFromL2() {
		// The declared type shows its state; the class returned at run time keeps more in a private field.
		this.contextRunner.withBean(LedgerService.class).run((context) -> {
			LedgerService service = context.getBean(LedgerService.class);
			dev.tiergate.cache.TieredCache cache = context.getBean(TieredCaches.class).get("accounts");
			Ledger first = service.find("alice");
			cache.clearL1(); // as after l1.ttl, an L1 eviction, a Redis recovery, or on another instance
			Ledger second = service.find("alice");
			assertThat(second).as("value served after L1 was cleared").isEqualTo(first);
			assertThat(service.calls()).as("L2 held nothing to serve").isEqualTo(2);
			assertThat(cache.statistics().errors(CacheStatistics.ErrorKind.ENCODE)).isEqualTo(2);
		});
	}

	static Throwable failure(AssertableApplicationContext context) {
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

	public record Product(long id, String name) {
	}

	public abstract static class CrudService<T> {

		final AtomicInteger invocations = new AtomicInteger();

		@TieredCacheable("generic-list")
		public List<T> all(String tenant) {
			this.invocations.incrementAndGet();
			return List.of(load());
		}

		@TieredCacheable("generic-map")
		public Map<String, T> byName(String tenant) {
			this.invocations.incrementAndGet();
			return Map.of("Kettle", load());
		}

		@TieredCacheable("generic-array")
		public T[] array(String tenant) {
			this.invocations.incrementAndGet();
			return arrayOf(load());
		}

		@TieredCacheable("generic-optional")
		public Optional<List<T>> maybe(String tenant) {
			this.invocations.incrementAndGet();
			return Optional.of(List.of(load()));
		}

		protected abstract T load();

		protected abstract T[] arrayOf(T element);

		public int invocations() {
			return this.invocations.get();
		}

	}

	public static class ProductService extends CrudService<Product> {

		@Override
		protected Product load() {
			return new Product(1, "Kettle");
		}

		@Override
		protected Product[] arrayOf(Product element) {
			return new Product[] { element };
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GenericServices {

		@Bean
		ProductService productService() {
			return new ProductService();
		}

	}

	public static class SetKeyService {

		private final AtomicReference<String> database;

		public SetKeyService(AtomicReference<String> database) {
			this.database = database;
		}

		@TieredCacheable("tagged")
		public String find(Set<String> tags) {
			return this.database.get();
		}

		@TieredCacheEvict("tagged")
		public void evict(Set<String> tags) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SetKeyServices {

		@Bean
		@SuppressWarnings("unchecked")
		SetKeyService setKeyService(AtomicReference<?> database) {
			return new SetKeyService((AtomicReference<String>) database);
		}

	}

	/** A key object: equal by status and owner, but only the status has a getter. */
	public static final class OrderQuery {

		private final String status;

		private final String owner;

		public OrderQuery(String status, String owner) {
			this.status = status;
			this.owner = owner;
		}

		public String getStatus() {
			return this.status;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof OrderQuery that && this.status.equals(that.status) && this.owner.equals(that.owner);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.status, this.owner);
		}

	}

	public static class OrderService {

		/** The declared type says nothing: the key is checked when it is encoded. */
		@TieredCacheable(value = "orders", key = "#root.args[0]")
		public String orders(Object query) {
			return ((OrderQuery) query).owner + "'s orders";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderServices {

		@Bean
		OrderService orderService() {
			return new OrderService();
		}

	}

	public static class HiddenStateKeyService {

		@TieredCacheable("orders")
		public String orders(OrderQuery query) {
			return query.owner + "'s orders";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HiddenStateKeyServices {

		@Bean
		HiddenStateKeyService hiddenStateKeyService() {
			return new HiddenStateKeyService();
		}

	}

	public static class MonoService {

		@TieredCacheable("reactive")
		public Mono<String> find(String id) {
			return Mono.just(id);
		}

	}

	public static class FluxService {

		@TieredCacheable("reactive")
		public Flux<String> find(String id) {
			return Flux.just(id);
		}

	}

	public static class PublisherService {

		@TieredCacheable("reactive")
		public Publisher<String> find(String id) {
			return Mono.just(id);
		}

	}

	public static class CompletionStageService {

		@TieredCacheable("reactive")
		public CompletionStage<String> find(String id) {
			return java.util.concurrent.CompletableFuture.completedFuture(id);
		}

	}

	public static class FutureService {

		@TieredCacheable("reactive")
		public java.util.concurrent.Future<String> find(String id) {
			return java.util.concurrent.CompletableFuture.completedFuture(id);
		}

	}

	public static class ObjectService {

		@TieredCacheable("objects")
		public Object find(String id) {
			return id;
		}

	}

	public static class RawService {

		@TieredCacheable("raw")
		@SuppressWarnings("rawtypes")
		public List find(String id) {
			return List.of(id);
		}

	}

	public static class AccountService {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@TieredCacheable("accounts")
		public Account find(String owner) {
			this.calls.incrementAndGet();
			return new Account(owner, 42L);
		}

	}

	public static class LedgerService {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@TieredCacheable("accounts")
		public Ledger find(String owner) {
			this.calls.incrementAndGet();
			return new PrivateLedger(owner, 42L);
		}

	}

	/** A bean Jackson reads and writes. */
	public static class Ledger {

		private String owner;

		public Ledger() {
		}

		public Ledger(String owner) {
			this.owner = owner;
		}

		public String getOwner() {
			return this.owner;
		}

		public void setOwner(String owner) {
			this.owner = owner;
		}

	}

	/** A subclass whose balance is in a private field without accessors, so writing it as a Ledger loses it. */
	public static class PrivateLedger extends Ledger {

		private Long balance;

		public PrivateLedger(String owner, Long balance) {
			super(owner);
			this.balance = balance;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof PrivateLedger that && Objects.equals(getOwner(), that.getOwner())
					&& Objects.equals(this.balance, that.balance);
		}

		@Override
		public int hashCode() {
			return Objects.hash(getOwner(), this.balance);
		}

	}

	/** State in private fields without getters: Jackson writes {}. */
	public static class Account {

		private String owner;

		private Long balance;

		public Account() {
		}

		public Account(String owner, Long balance) {
			this.owner = owner;
			this.balance = balance;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Account that && Objects.equals(this.owner, that.owner)
					&& Objects.equals(this.balance, that.balance);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.owner, this.balance);
		}

	}

	public static class ColonNameService {

		@TieredCacheable("products:lock")
		public String find(String id) {
			return id;
		}

	}

}
