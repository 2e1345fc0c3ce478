package dev.tiergate.demo;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Tells, per request, where the value of a lookup came from, with no hook in tiergate.
 * <p>
 * The lookup runs inside {@link #trace(Supplier)} and starts out as {@link CacheSource#L1}.
 * tiergate answers an L1 hit without calling anything of the application, but it does
 * call the application on the caller's thread when it goes further: it decodes the bytes
 * Redis returned with the {@code L2Codec} bean (the demo's is a {@link TracingL2Codec},
 * which reports {@link CacheSource#L2}), and on a miss in both tiers it invokes the cached
 * method ({@link ProductCatalog#find(long)} reports {@link CacheSource#BACKEND}). The
 * farthest source reported wins, so a value that Redis held but could not serve (an
 * undecodable or expired entry) counts as {@code BACKEND}, as it should.
 * <p>
 * Why not read tiergate's counters before and after the call: they are shared by every
 * request, so concurrent lookups would see each other's hits. Why not ask L1 first with
 * {@code TieredCache.getIfPresent}: the entry may expire or be evicted between that look
 * and the call, so the header could name a tier the value did not come from. A thread-local is exact for every
 * request but one kind: a request that waited for another request's load of the same key
 * (tiergate loads a key once per JVM) touched neither the codec nor the backend, and is
 * reported as {@code L1}, which is how it got its value.
 */
@Component
public class CacheSourceTrace {

	private final ThreadLocal<@Nullable CacheSource> current = new ThreadLocal<>();

	/**
	 * Runs a lookup and tells where its value came from.
	 * @param <T> the type of the value
	 * @param lookup the lookup, which must run on the calling thread
	 * @return the value and its source
	 */
	public <T extends @Nullable Object> Traced<T> trace(Supplier<T> lookup) {
		this.current.set(CacheSource.L1);
		try {
			T value = lookup.get();
			CacheSource source = this.current.get();
			return new Traced<>(value, (source != null) ? source : CacheSource.L1);
		}
		finally {
			this.current.remove();
		}
	}

	/**
	 * Reports that the lookup running on this thread, if any, reached a source.
	 * @param source the source reached
	 */
	public void reached(CacheSource source) {
		CacheSource current = this.current.get();
		if (current != null && source.compareTo(current) > 0) {
			this.current.set(source);
		}
	}

	/**
	 * The value of a lookup and where it came from.
	 *
	 * @param <T> the type of the value
	 * @param value the value
	 * @param source where it came from
	 */
	public record Traced<T extends @Nullable Object>(T value, CacheSource source) {
	}

}
