package dev.tiergate.autoconfigure.observation;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.autoconfigure.cache.TieredCacheAutoConfiguration;
import dev.tiergate.autoconfigure.ratelimit.RateLimitAutoConfiguration;
import dev.tiergate.autoconfigure.redis.TiergateRedisAutoConfiguration;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.observation.TiergateObservations;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.test.TestRedis;
import dev.tiergate.test.TestThreads;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache reads that miss L1 and rate-limit checks sent to Redis are observed, as spans with
 * their parents and low-cardinality tags only; L1 hits are not, unless asked for.
 */
class TiergateObservationAutoConfigurationTests {

	private final String prefix = "obs-" + UUID.randomUUID();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
				TiergateRedisAutoConfiguration.class, TieredCacheAutoConfiguration.class,
				RateLimitAutoConfiguration.class, TiergateObservationAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.shared().uri(),
				"tiergate.cache.key-prefix=" + this.prefix, "tiergate.rate-limit.key-prefix=" + this.prefix,
				"tiergate.redis.timeout=2s")
		.withUserConfiguration(Tracing.class, Services.class);

	@Test
	void withoutAnObservationRegistryNothingIsObserved() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TiergateObservationAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TiergateObservations.class));
	}

	@Test
	void aReadThatMissesBothTiersIsASpanWithChildrenForTheL2ReadAndTheLoad() {
		this.contextRunner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			context.getBean(Catalog.class).find("kettle");
			SimpleSpan get = only(tracer, "tiergate cache get");
			assertThat(get.getTags()).containsExactlyInAnyOrderEntriesOf(
					Map.of("cache", "traced", "tier", "method", "result", "miss", "mode", "tiered"));
			SimpleSpan read = only(tracer, "tiergate cache l2 read");
			assertThat(read.getParentId()).isEqualTo(get.getSpanId());
			assertThat(read.getTags()).containsExactlyInAnyOrderEntriesOf(Map.of("cache", "traced", "result", "miss"));
			SimpleSpan load = only(tracer, "tiergate cache load");
			assertThat(load.getParentId()).isEqualTo(get.getSpanId());
			assertThat(load.getTags()).containsExactlyInAnyOrderEntriesOf(
					Map.of("cache", "traced", "by", "this-instance", "result", "loaded"));
			assertThat(tracer.getSpans()).hasSize(3);
		});
	}

	@Test
	void anL2HitIsASpanWithoutALoadAndAnL1HitIsNoSpan() {
		this.contextRunner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find("mug");
			context.getBean(TieredCaches.class).clearL1();
			tracer.getSpans().clear();
			catalog.find("mug");
			SimpleSpan get = only(tracer, "tiergate cache get");
			assertThat(get.getTags()).containsEntry("tier", "l2").containsEntry("result", "hit");
			assertThat(only(tracer, "tiergate cache l2 read").getTags()).containsEntry("result", "hit");
			assertThat(tracer.getSpans()).hasSize(2);
			tracer.getSpans().clear();
			catalog.find("mug");
			assertThat(tracer.getSpans()).as("an L1 hit").isEmpty();
		});
	}

	@Test
	void l1HitsAreObservedWhenAskedFor() {
		this.contextRunner.withPropertyValues("tiergate.observations.l1-hits=true").run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find("teapot");
			tracer.getSpans().clear();
			catalog.find("teapot");
			assertThat(only(tracer, "tiergate cache get").getTags()).containsExactlyInAnyOrderEntriesOf(
					Map.of("cache", "traced", "tier", "l1", "result", "hit", "mode", "tiered"));
		});
	}

	@Test
	void aLoadThatAnotherInstanceHeldTheLockForIsAChildSpanOfTheWaitingRead() {
		this.contextRunner.withPropertyValues("tiergate.cache.caches.locked.lock=true").run((first) -> {
			this.contextRunner.withPropertyValues("tiergate.cache.caches.locked.lock=true").run((second) -> {
				Catalog holder = first.getBean(Catalog.class);
				CountDownLatch release = holder.hold();
				CompletableFuture<String> holding = CompletableFuture.supplyAsync(() -> holder.locked("oven"), TestThreads.perTask());
				holder.awaitHeld();
				CompletableFuture<String> waiting = CompletableFuture
					.supplyAsync(() -> second.getBean(Catalog.class).locked("oven"), TestThreads.perTask());
				SimpleTracer tracer = second.getBean(SimpleTracer.class);
				org.awaitility.Awaitility.await()
					.atMost(java.time.Duration.ofSeconds(5))
					.until(() -> tracer.getSpans().stream().anyMatch((span) -> "tiergate cache l2 read".equals(span.getName())));
				release.countDown();
				assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo("oven 1");
				assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("oven 1");
				SimpleSpan get = only(tracer, "tiergate cache get");
				assertThat(get.getTags()).containsEntry("tier", "other-instance").containsEntry("result", "hit");
				SimpleSpan load = only(tracer, "tiergate cache load");
				assertThat(load.getParentId()).isEqualTo(get.getSpanId());
				assertThat(load.getTags()).containsExactlyInAnyOrderEntriesOf(
						Map.of("cache", "locked", "by", "other-instance", "result", "hit"));
				assertThat(second.getBean(Catalog.class).loads()).as("loaded by the other instance only").isZero();
			});
		});
	}

	@Test
	void aRateLimitCheckSentToRedisIsASpanTaggedWithItsTierResultAndMode() {
		this.contextRunner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			context.getBean(Catalog.class).limited("alice");
			SimpleSpan check = only(tracer, "tiergate ratelimit check");
			assertThat(check.getTags()).containsExactlyInAnyOrderEntriesOf(
					Map.of("tier", "content", "result", "allowed", "mode", "distributed"));
			assertThat(check.getTags().values()).doesNotContain("alice");
		});
	}

	private static SimpleSpan only(SimpleTracer tracer, String name) {
		List<SimpleSpan> spans = tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
		assertThat(spans).as("spans named '" + name + "' among " + tracer.getSpans()).hasSize(1);
		return spans.get(0);
	}

	@Configuration(proxyBeanMethods = false)
	static class Tracing {

		@Bean
		SimpleTracer tracer() {
			return new SimpleTracer();
		}

		@Bean
		ObservationRegistry observationRegistry(SimpleTracer tracer) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
			return registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	public static class Catalog {

		private final AtomicInteger loads = new AtomicInteger();

		private volatile CountDownLatch release = new CountDownLatch(0);

		private final CountDownLatch held = new CountDownLatch(1);

		@TieredCacheable("traced")
		public String find(String name) {
			return name + " " + this.loads.incrementAndGet();
		}

		@TieredCacheable("locked")
		public String locked(String name) {
			this.held.countDown();
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return name + " " + this.loads.incrementAndGet();
		}

		@RateLimited(value = "content", key = "#client")
		public String limited(String client) {
			return client;
		}

		CountDownLatch hold() {
			this.release = new CountDownLatch(1);
			return this.release;
		}

		void awaitHeld() throws InterruptedException {
			assertThat(this.held.await(10, TimeUnit.SECONDS)).isTrue();
		}

		int loads() {
			return this.loads.get();
		}

	}

}
