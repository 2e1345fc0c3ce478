package dev.tiergate.autoconfigure.cache;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @TieredCacheable}, {@code @TieredCachePut} and {@code @TieredCacheEvict} on
 * methods returning {@code Mono}, {@code Flux} and {@code CompletableFuture}, against a
 * real Redis; two application contexts with one key prefix are two instances.
 */
class TieredCacheableReactiveIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final String prefix = "reactive-it-" + UUID.randomUUID();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri(),
				"tiergate.cache.key-prefix=" + this.prefix)
		.withBean(ReactiveCatalog.class);

	@Test
	void anotherInstanceGetsTheValueOfAMonoFluxAndFutureMethodFromL2() {
		this.contextRunner.run((context) -> {
			awaitConnected(context);
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			StepVerifier.create(catalog.product("kettle")).expectNext(new Product("kettle", 1)).verifyComplete();
			StepVerifier.create(catalog.reviews("kettle")).expectNext("good", "fine").verifyComplete();
			assertThat(catalog.price("kettle")).succeedsWithin(WAIT).isEqualTo(10L);
			awaitInL2(context, "products", "kettle");
			awaitInL2(context, "reviews", "kettle");
			awaitInL2(context, "prices", "kettle");
		});
		this.contextRunner.run((context) -> {
			awaitConnected(context);
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			StepVerifier.create(catalog.product("kettle")).expectNext(new Product("kettle", 1)).verifyComplete();
			StepVerifier.create(catalog.reviews("kettle")).expectNext("good", "fine").verifyComplete();
			assertThat(catalog.price("kettle")).succeedsWithin(WAIT).isEqualTo(10L);
			assertThat(catalog.invocations()).as("served from L2").isEqualTo(0);
		});
	}

	@Test
	void anL1HitReturnsACompletedFutureAndAMonoWithoutInvokingTheMethod() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			assertThat(catalog.price("kettle")).succeedsWithin(WAIT);
			StepVerifier.create(catalog.product("kettle")).expectNextCount(1).verifyComplete();
			assertThat(catalog.price("kettle")).isCompletedWithValue(10L);
			StepVerifier.create(catalog.product("kettle")).expectNext(new Product("kettle", 1)).verifyComplete();
			assertThat(catalog.invocations()).isEqualTo(2);
		});
	}

	@Test
	void concurrentSubscribersShareOneLoad() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			Sinks.One<String> answer = Sinks.one();
			catalog.answerWith(answer.asMono());
			AtomicReference<String> first = new AtomicReference<>();
			AtomicReference<String> second = new AtomicReference<>();
			catalog.slow("q").subscribe(first::set);
			await().until(() -> catalog.invocations() == 1);
			catalog.slow("q").subscribe(second::set);
			answer.tryEmitValue("answer");
			await().until(() -> "answer".equals(first.get()) && "answer".equals(second.get()));
			assertThat(catalog.invocations()).isEqualTo(1);
		});
	}

	@Test
	void oneOfTwoSubscribersCancellingLeavesTheOthersValueAndTheCachedValue() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			Sinks.One<String> answer = Sinks.one();
			catalog.answerWith(answer.asMono());
			Disposable cancelled = catalog.slow("q").subscribe();
			await().until(() -> catalog.invocations() == 1);
			AtomicReference<String> other = new AtomicReference<>();
			catalog.slow("q").subscribe(other::set);
			cancelled.dispose();
			answer.tryEmitValue("answer");
			await().until(() -> "answer".equals(other.get()));
			StepVerifier.create(catalog.slow("q")).expectNext("answer").verifyComplete();
			assertThat(catalog.invocations()).as("the value was cached").isEqualTo(1);
		});
	}

	@Test
	void anErrorReachesBothSubscribersAndIsNotCached() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			Sinks.One<String> answer = Sinks.one();
			catalog.answerWith(answer.asMono());
			AtomicReference<Throwable> first = new AtomicReference<>();
			AtomicReference<Throwable> second = new AtomicReference<>();
			catalog.slow("q").subscribe((value) -> { }, first::set);
			await().until(() -> catalog.invocations() == 1);
			catalog.slow("q").subscribe((value) -> { }, second::set);
			answer.tryEmitError(new IllegalStateException("the model is down"));
			await().until(() -> first.get() != null && second.get() != null);
			assertThat(List.of(first.get(), second.get()))
				.allSatisfy((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
					.hasMessage("the model is down"));
			catalog.answerWith(Mono.just("recovered"));
			StepVerifier.create(catalog.slow("q")).expectNext("recovered").verifyComplete();
			assertThat(catalog.invocations()).as("the error was not cached").isEqualTo(2);
		});
	}

	@Test
	void unlessSeesTheValueOfTheMono() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			StepVerifier.create(catalog.product("draft")).expectNext(new Product("draft", 0)).verifyComplete();
			StepVerifier.create(catalog.product("draft")).expectNext(new Product("draft", 0)).verifyComplete();
			assertThat(catalog.invocations()).as("a product without stock is not cached").isEqualTo(2);
			assertThat(context.getBean(TieredCaches.class).get("products").getIfPresent("draft")).isNull();
		});
	}

	@Test
	void aFluxThatFailsMidwayIsNotCached() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			// Streamed to the subscriber that loads it: the elements before the error arrive too.
			StepVerifier.create(catalog.reviews("broken")).expectNext("first").verifyErrorMessage("stream broke");
			StepVerifier.create(catalog.reviews("broken")).expectNext("first").verifyErrorMessage("stream broke");
			assertThat(catalog.invocations()).isEqualTo(2);
			assertThat(new RedisProbe(TestRedis.shared())
				.exists(context.getBean(TieredCaches.class).get("reviews").redisKey("broken"))).isFalse();
		});
	}

	@Test
	void aFluxStreamsToTheSubscriberThatLoadsItAndItsCancellationCancelsTheSourceAndLetsAJoinedSubscriberLoadAgain() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			Sinks.Many<String> tokens = Sinks.many().unicast().onBackpressureBuffer();
			AtomicBoolean sourceCancelled = new AtomicBoolean();
			catalog.streamWith(tokens.asFlux().doOnCancel(() -> sourceCancelled.set(true)));
			List<String> streamed = new CopyOnWriteArrayList<>();
			Disposable leader = catalog.stream("q").subscribe(streamed::add);
			await().until(() -> catalog.invocations() == 1);
			tokens.tryEmitNext("a");
			await().atMost(WAIT).until(() -> streamed.equals(List.of("a")));
			catalog.streamWith(Flux.just("x", "y"));
			List<String> joined = new CopyOnWriteArrayList<>();
			AtomicBoolean joinedCompleted = new AtomicBoolean();
			catalog.stream("q").subscribe(joined::add, (ex) -> { }, () -> joinedCompleted.set(true));
			assertThat(catalog.invocations()).as("joined the load").isEqualTo(1);
			leader.dispose();
			await().atMost(WAIT).until(sourceCancelled::get);
			await().atMost(WAIT).until(joinedCompleted::get);
			assertThat(joined).containsExactly("x", "y");
			assertThat(catalog.invocations()).isEqualTo(2);
			StepVerifier.create(catalog.stream("q")).expectNext("x", "y").verifyComplete();
			assertThat(catalog.invocations()).as("the second load was cached, the cancelled one not").isEqualTo(2);
		});
	}

	@Test
	void aPutStoresTheCompletedValueAndAnEvictionRemovesItAfterCompletion() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			StepVerifier.create(catalog.update("kettle", 7)).expectNext(new Product("kettle", 7)).verifyComplete();
			StepVerifier.create(catalog.product("kettle")).expectNext(new Product("kettle", 7)).verifyComplete();
			assertThat(catalog.invocations()).as("the put's value answered").isEqualTo(0);
			Mono<Void> removal = catalog.remove("kettle");
			assertThat(context.getBean(TieredCaches.class).get("products").getIfPresent("kettle"))
				.as("not before the result completes")
				.isNotNull();
			StepVerifier.create(removal).verifyComplete();
			assertThat(context.getBean(TieredCaches.class).get("products").getIfPresent("kettle")).isNull();
			StepVerifier.create(catalog.product("kettle")).expectNext(new Product("kettle", 1)).verifyComplete();
		});
	}

	@Test
	void anEvictionBeforeTheInvocationRemovesTheEntryAtTheCall() {
		this.contextRunner.run((context) -> {
			ReactiveCatalog catalog = context.getBean(ReactiveCatalog.class);
			StepVerifier.create(catalog.product("kettle")).expectNextCount(1).verifyComplete();
			catalog.removeFirst("kettle");
			assertThat(context.getBean(TieredCaches.class).get("products").getIfPresent("kettle"))
				.as("gone before the result completes, or is even subscribed")
				.isNull();
		});
	}

	@Test
	void withTheLockAnotherInstanceWaitsForTheHoldersValueWithoutBlockingAndDoesNotLoad() {
		withLockedInstances((holder, waiter) -> {
			Sinks.One<String> answer = Sinks.one();
			holder.answerWith(answer.asMono());
			waiter.answerWith(Mono.just("the waiter's own load"));
			AtomicReference<String> held = new AtomicReference<>();
			holder.slow("q").subscribe(held::set);
			// Its method runs once it holds the lease.
			await().atMost(WAIT).until(() -> holder.invocations() == 1);
			AtomicReference<String> waited = new AtomicReference<>();
			waiter.slow("q").subscribe(waited::set);
			assertThat(waited.get()).as("subscribing did not wait for the holder").isNull();
			answer.tryEmitValue("answer");
			await().atMost(WAIT).until(() -> "answer".equals(waited.get()));
			assertThat(held.get()).isEqualTo("answer");
			assertThat(waiter.invocations()).as("the waiter took the holder's value from L2").isZero();
		});
	}

	@Test
	void withTheLockAWaiterWhoseHolderFailedLoadsItselfOnceTheLeaseIsGone() {
		withLockedInstances((holder, waiter) -> {
			Sinks.One<String> answer = Sinks.one();
			holder.answerWith(answer.asMono());
			waiter.answerWith(Mono.just("the waiter's own load"));
			AtomicReference<Throwable> failed = new AtomicReference<>();
			holder.slow("q").subscribe((value) -> { }, failed::set);
			await().atMost(WAIT).until(() -> holder.invocations() == 1);
			AtomicReference<String> waited = new AtomicReference<>();
			waiter.slow("q").subscribe(waited::set);
			answer.tryEmitError(new IllegalStateException("the model is down"));
			await().atMost(WAIT).until(() -> "the waiter's own load".equals(waited.get()));
			assertThat(failed.get()).hasMessage("the model is down");
			assertThat(waiter.invocations()).isOne();
		});
	}

	/** Two instances whose cache "answers" has the cross-instance lock: the first to miss holds it. */
	private void withLockedInstances(BiConsumer<ReactiveCatalog, ReactiveCatalog> test) {
		ApplicationContextRunner locked = this.contextRunner
			.withPropertyValues("tiergate.cache.caches.answers.lock=true");
		locked.run((holderContext) -> locked.run((waiterContext) -> {
			awaitConnected(holderContext);
			awaitConnected(waiterContext);
			test.accept(holderContext.getBean(ReactiveCatalog.class), waiterContext.getBean(ReactiveCatalog.class));
		}));
	}

	/** A loaded machine may take longer than the connect timeout: a call before that would go without L2. */
	private static void awaitConnected(org.springframework.context.ApplicationContext context) {
		await().atMost(Duration.ofSeconds(15))
			.until(() -> !context.getBean(dev.tiergate.redis.RedisHealthState.class).isFallback());
	}

	private void awaitInL2(org.springframework.context.ApplicationContext context, String cache, Object key) {
		try (RedisProbe redis = new RedisProbe(TestRedis.shared())) {
			String redisKey = context.getBean(TieredCaches.class).get(cache).redisKey(key);
			await().atMost(WAIT).until(() -> redis.exists(redisKey));
		}
	}

	record Product(String name, int stock) {
	}

	public static class ReactiveCatalog {

		private final AtomicInteger invocations = new AtomicInteger();

		private final AtomicReference<Mono<String>> slow = new AtomicReference<>(Mono.just("v"));

		private final AtomicReference<Flux<String>> tokens = new AtomicReference<>(Flux.just("t"));

		// Methods, not fields: the test holds the proxy, whose fields are not the target's.
		public int invocations() {
			return this.invocations.get();
		}

		public void answerWith(Mono<String> answer) {
			this.slow.set(answer);
		}

		@TieredCacheable(value = "products", unless = "#result.stock() == 0")
		public Mono<Product> product(String name) {
			this.invocations.incrementAndGet();
			return Mono.just(new Product(name, name.equals("draft") ? 0 : 1));
		}

		@TieredCacheable("reviews")
		public Flux<String> reviews(String product) {
			this.invocations.incrementAndGet();
			if (product.equals("broken")) {
				return Flux.just("first").concatWith(Flux.error(new IllegalStateException("stream broke")));
			}
			return Flux.just("good", "fine");
		}

		public void streamWith(Flux<String> tokens) {
			this.tokens.set(tokens);
		}

		@TieredCacheable("streams")
		public Flux<String> stream(String prompt) {
			this.invocations.incrementAndGet();
			return this.tokens.get();
		}

		@TieredCacheable("prices")
		public CompletableFuture<Long> price(String product) {
			this.invocations.incrementAndGet();
			return CompletableFuture.supplyAsync(() -> 10L);
		}

		@TieredCacheable("answers")
		public Mono<String> slow(String prompt) {
			this.invocations.incrementAndGet();
			return this.slow.get();
		}

		@TieredCachePut(value = "products", key = "#name")
		public Mono<Product> update(String name, int stock) {
			return Mono.just(new Product(name, stock));
		}

		@TieredCacheEvict(value = "products", beforeInvocation = true)
		public Mono<Void> removeFirst(String name) {
			return Mono.never();
		}

		@TieredCacheEvict("products")
		public Mono<Void> remove(String name) {
			return Mono.empty();
		}

	}

}
