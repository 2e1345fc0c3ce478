package dev.tiergate.cache.interceptor;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ResolvableType;

/**
 * {@code Mono<T>}, cached as its value ({@code null} when empty), and {@code Flux<T>},
 * cached as the list of its elements and replayed from it; on a miss, the subscriber whose
 * subscription loads it gets the elements as they come ({@link StreamedLoad}). Loaded only when Reactor is
 * present ({@link AsyncReturn#REACTOR_PRESENT}).
 */
abstract class ReactorReturn implements AsyncReturn {

	private static final ReactorReturn MONO = new ReactorReturn() {

		@Override
		public ResolvableType valueType(ResolvableType returnType) {
			return returnType.getGeneric(0);
		}

		@Override
		public CompletionStage<?> value(@Nullable Object result) {
			return mono(result).toFuture();
		}

		@Override
		public Object completed(@Nullable Object value) {
			return Mono.justOrEmpty(value);
		}

		@Override
		public Object deferred(Supplier<? extends CompletionStage<?>> value) {
			return Mono.defer(() -> Mono.fromCompletionStage(value.get()));
		}

	};

	private static final ReactorReturn FLUX = new ReactorReturn() {

		@Override
		public ResolvableType valueType(ResolvableType returnType) {
			return ResolvableType.forClassWithGenerics(List.class, returnType.getGeneric(0));
		}

		@Override
		public CompletionStage<?> value(@Nullable Object result) {
			// An error, or a cancellation from upstream, completes no list: nothing is cached.
			return flux(result).collectList().toFuture();
		}

		@Override
		public Object completed(@Nullable Object value) {
			return (value != null) ? Flux.fromIterable((List<?>) value) : Flux.empty();
		}

		@Override
		public Object deferred(Supplier<? extends CompletionStage<?>> value) {
			return Mono.defer(() -> Mono.fromCompletionStage(value.get()))
				.flatMapIterable((list) -> (List<?>) list);
		}

		@Override
		public Object readThrough(
				Function<Supplier<? extends CompletionStage<?>>, ? extends CompletionStage<?>> flight,
				Supplier<@Nullable Object> invocation) {
			return StreamedLoad.elements(flight, invocation);
		}

	};

	static @Nullable AsyncReturn of(Class<?> returnType) {
		if (returnType == Mono.class) {
			return MONO;
		}
		return (returnType == Flux.class) ? FLUX : null;
	}

	private static Mono<?> mono(@Nullable Object result) {
		return (result != null) ? (Mono<?>) result
				: Mono.error(new IllegalStateException("The method returned null instead of a Mono"));
	}

	static Flux<?> flux(@Nullable Object result) {
		return (result != null) ? (Flux<?>) result
				: Flux.error(new IllegalStateException("The method returned null instead of a Flux"));
	}

}
