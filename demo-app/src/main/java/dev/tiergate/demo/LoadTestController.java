package dev.tiergate.demo;

import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Three endpoints that answer the same small body, for the load test of
 * {@code benchmarks/wrk/run.sh}: one does nothing else, one is served from tiergate's L1
 * ({@code @TieredCacheable}), and one is rate limited ({@code @RateLimited}) with the tier
 * {@code bench}, so large that no request is ever rejected. Their difference in requests
 * per second is what each annotation costs a request.
 */
@RestController
@RequestMapping("/bench")
public class LoadTestController {

	/** What every endpoint answers. */
	public record Answer(long id, String text) {

	}

	@GetMapping("/plain")
	public Answer plain(@RequestParam(defaultValue = "1") long id) {
		return answer(id);
	}

	@GetMapping("/cached")
	@TieredCacheable("bench-answers")
	public Answer cached(@RequestParam(defaultValue = "1") long id) {
		return answer(id);
	}

	@GetMapping("/limited")
	@RateLimited("bench")
	public Answer limited(@RequestParam(defaultValue = "1") long id) {
		return answer(id);
	}

	private static Answer answer(long id) {
		return new Answer(id, "answer " + id);
	}

}
