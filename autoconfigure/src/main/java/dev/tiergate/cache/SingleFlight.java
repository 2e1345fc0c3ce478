package dev.tiergate.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One load per key and JVM: the first caller of a missing key loads it, concurrent callers
 * of the same key wait for its result (or its exception), callers of other keys proceed.
 * Asynchronous callers share a load in the same way without waiting: each gets its own
 * future of it.
 */
final class SingleFlight {

	private final ConcurrentMap<Object, CompletableFuture<@Nullable Object>> loading = new ConcurrentHashMap<>();

	private final ConcurrentMap<Object, CompletableFuture<@Nullable Object>> loadingAsync = new ConcurrentHashMap<>();

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

	/**
	 * Starts the load of a key unless one is under way, without waiting for it.
	 * @return the caller's own future of the shared load: cancelling it leaves the load
	 * and the other callers alone
	 */
	CompletableFuture<@Nullable Object> loadAsync(Object key, Supplier<CompletableFuture<@Nullable Object>> load) {
		CompletableFuture<@Nullable Object> flight = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> leader = this.loadingAsync.putIfAbsent(key, flight);
		if (leader != null) {
			return leader.copy();
		}
		CompletableFuture<@Nullable Object> loaded;
		try {
			loaded = load.get();
		}
		catch (RuntimeException ex) {
			loaded = CompletableFuture.failedFuture(ex);
		}
		loaded.whenComplete((value, ex) -> {
			// Gone before anyone hears of the result: a caller after a failure starts a load of its own.
			this.loadingAsync.remove(key, flight);
			if (ex != null) {
				flight.completeExceptionally(unwrap(ex));
			}
			else {
				flight.complete(value);
			}
		});
		return flight.copy();
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	/** Lets callers that come after an eviction start a load of their own instead of joining an older one. */
	void forget(Object key) {
		this.loading.remove(key);
		this.loadingAsync.remove(key);
	}

	void forgetAll() {
		this.loading.clear();
		this.loadingAsync.clear();
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
