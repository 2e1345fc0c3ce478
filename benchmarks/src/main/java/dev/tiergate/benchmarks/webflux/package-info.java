/**
 * A small WebFlux application for the load test of {@code benchmarks/wrk/run-webflux.sh}:
 * a plain, a cached and a rate-limited endpoint returning a {@code Mono} of the same
 * body, against a real Redis.
 */
@NullMarked
package dev.tiergate.benchmarks.webflux;

import org.jspecify.annotations.NullMarked;
