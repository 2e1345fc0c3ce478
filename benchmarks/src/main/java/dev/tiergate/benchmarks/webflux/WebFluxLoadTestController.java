package dev.tiergate.benchmarks.webflux;

import java.util.concurrent.atomic.LongAdder;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.redis.GuardedRedis;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Four endpoints that answer a {@code Mono} of the same small body: one does nothing
 * else, one is served from tiergate's L1 ({@code @TieredCacheable}), one is rate limited
 * ({@code @RateLimited}) with the tier {@value WebFluxBenchmarkApplication#TIER}, so large
 * that no request is ever rejected, and one is limited by a route of that tier in
 * configuration. Their difference in requests per second is what each
 * annotation costs a reactive request.
 */
@RestController
@RequestMapping("/bench")
public class WebFluxLoadTestController {

	private final GuardedRedis redis;

	private final LongAdder cachedInvocations = new LongAdder();

	WebFluxLoadTestController(GuardedRedis redis) {
		this.redis = redis;
	}

	/**
	 * What every endpoint answers.
	 *
	 * @param id the requested id
	 * @param text a text derived from it
	 */
	public record Answer(long id, String text) {

	}

	@GetMapping("/plain")
	public Mono<Answer> plain(@RequestParam(defaultValue = "1") long id) {
		return Mono.just(answer(id));
	}

	@GetMapping("/cached")
	@TieredCacheable(WebFluxBenchmarkApplication.CACHE)
	public Mono<Answer> cached(@RequestParam(defaultValue = "1") long id) {
		this.cachedInvocations.increment();
		return Mono.just(answer(id));
	}

	@GetMapping("/limited")
	@RateLimited(WebFluxBenchmarkApplication.TIER)
	public Mono<Answer> limited(@RequestParam(defaultValue = "1") long id) {
		return Mono.just(answer(id));
	}

	/**
	 * Limited by the route of configuration ({@code tiergate.rate-limit.routes}) of the
	 * same tier as {@code /bench/limited}: the route's {@code WebFilter} checks it.
	 * @param id the requested id
	 * @return the answer
	 */
	@GetMapping("/routed")
	public Mono<Answer> routed(@RequestParam(defaultValue = "1") long id) {
		return Mono.just(answer(id));
	}

	/**
	 * Returns how often tiergate has stopped using Redis since it started: the load test
	 * fails unless this is 0, since its figures would then not be Redis figures.
	 * @return the fallback activations
	 */
	@GetMapping("/redis-fallbacks")
	public Mono<Long> redisFallbacks() {
		return Mono.fromSupplier(() -> this.redis.state().fallbackActivations());
	}

	/**
	 * Returns how often the cached endpoint's method ran, that is how often it missed.
	 * @return the invocations
	 */
	public long cachedInvocations() {
		return this.cachedInvocations.sum();
	}

	private static Answer answer(long id) {
		return new Answer(id, "answer " + id);
	}

}
