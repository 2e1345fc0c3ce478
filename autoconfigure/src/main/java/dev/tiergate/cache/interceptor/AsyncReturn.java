package dev.tiergate.cache.interceptor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * A return type that delivers the value later: {@code CompletableFuture<T>} and
 * {@code CompletionStage<T>}, and, when Reactor is on the classpath, {@code Mono<T>} and
 * {@code Flux<T>} (see {@link ReactorReturn}). It says what value is cached for a result
 * and how a cached value is handed back as that type.
 */
interface AsyncReturn {

	/** Reactor is optional: its types are looked for by name, and its adapter loaded only when present. */
	boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux", AsyncReturn.class.getClassLoader());

	/**
	 * Returns the asynchronous return type a method declares, if it is one tiered caches
	 * support.
	 * @param returnType the raw declared return type
	 * @return the type, or {@code null} for any other type
	 */
	static @Nullable AsyncReturn of(Class<?> returnType) {
		if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
			return Futures.INSTANCE;
		}
		return REACTOR_PRESENT ? ReactorReturn.of(returnType) : null;
	}

	/** The type of the value cached for a declared return type: {@code T}, or {@code List<T>} for a stream. */
	ResolvableType valueType(ResolvableType returnType);

	/** The value a result of the method will complete with; a stream is collected into a list. */
	CompletionStage<?> value(@Nullable Object result);

	/** A cached value, as the method returns it. */
	Object completed(@Nullable Object value);

	/**
	 * A value to come, as the method returns it: started at once for a future, on
	 * subscription (each time) for a publisher.
	 */
	Object deferred(Supplier<? extends CompletionStage<?>> value);

	/**
	 * A value to come through a cache, as the method returns it: {@code flight} joins or
	 * starts the key's load with the loader it is given and completes with the value;
	 * {@code invocation} invokes the method. A stream hands the subscriber whose
	 * subscription runs the load each element as the method produces it.
	 */
	default Object readThrough(Function<Supplier<? extends CompletionStage<?>>, ? extends CompletionStage<?>> flight,
			Supplier<@Nullable Object> invocation) {
		return deferred(() -> flight.apply(() -> value(invocation.get())));
	}

	/** {@code CompletableFuture<T>} and {@code CompletionStage<T>}. */
	final class Futures implements AsyncReturn {

		static final Futures INSTANCE = new Futures();

		private Futures() {
		}

		@Override
		public ResolvableType valueType(ResolvableType returnType) {
			return returnType.getGeneric(0);
		}

		@Override
		public CompletionStage<?> value(@Nullable Object result) {
			if (result == null) {
				return CompletableFuture.failedFuture(
						new IllegalStateException("The method returned null instead of a CompletableFuture"));
			}
			return (CompletionStage<?>) result;
		}

		@Override
		public Object completed(@Nullable Object value) {
			return CompletableFuture.completedFuture(value);
		}

		@Override
		public Object deferred(Supplier<? extends CompletionStage<?>> value) {
			return value.get().toCompletableFuture();
		}

	}

}
