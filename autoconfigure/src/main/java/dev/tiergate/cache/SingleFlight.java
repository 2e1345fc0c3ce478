package dev.tiergate.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/**
 * One load per key and JVM: the first caller of a missing key loads it, concurrent callers
 * of the same key wait for its result (or its exception), callers of other keys proceed.
 */
final class SingleFlight {

	private final ConcurrentMap<Object, CompletableFuture<@Nullable Object>> loading = new ConcurrentHashMap<>();

	@Nullable Object load(Object key, TieredCache.Loader load) throws Throwable {
		CompletableFuture<@Nullable Object> flight = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> leader = this.loading.putIfAbsent(key, flight);
		if (leader != null) {
			return await(leader);
		}
		try {
			Object value = load.load();
			flight.complete(value);
			return value;
		}
		catch (Throwable ex) {
			flight.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loading.remove(key, flight);
		}
	}

	/** Lets callers that come after an eviction start a load of their own instead of joining an older one. */
	void forget(Object key) {
		this.loading.remove(key);
	}

	void forgetAll() {
		this.loading.clear();
	}

	private static @Nullable Object await(CompletableFuture<@Nullable Object> leader) throws Throwable {
		try {
			return leader.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

}
