package dev.tiergate.cache.spring;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.tiergate.cache.interceptor.ResolvedTypes;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * The type of the values a cached method's results are stored as, unwrapped as Spring's
 * cache abstraction unwraps them: {@code Optional<T>}, {@code CompletableFuture<T>} and
 * {@code Mono<T>} store a {@code T}, {@code Flux<T>} a {@code List<T>}. Reactor stays
 * optional: its types are recognised by name.
 */
final class ReactiveTypes {

	private static final @Nullable Class<?> PUBLISHER = load("org.reactivestreams.Publisher");

	private static final @Nullable Class<?> MONO = load("reactor.core.publisher.Mono");

	private static final @Nullable Class<?> FLUX = load("reactor.core.publisher.Flux");

	private ReactiveTypes() {
	}

	static Type valueType(ResolvableType returnType) {
		Class<?> raw = returnType.toClass();
		if (raw == Optional.class || raw == CompletableFuture.class || is(MONO, raw)) {
			return ResolvedTypes.of(returnType.getGeneric(0));
		}
		if (is(FLUX, raw)) {
			return ResolvedTypes.of(ResolvableType.forClassWithGenerics(List.class, returnType.getGeneric(0)));
		}
		return ResolvedTypes.of(returnType);
	}

	static boolean isPublisher(Class<?> type) {
		return is(PUBLISHER, type);
	}

	private static boolean is(@Nullable Class<?> reactiveType, Class<?> type) {
		return reactiveType != null && reactiveType.isAssignableFrom(type);
	}

	private static @Nullable Class<?> load(String name) {
		ClassLoader classLoader = ReactiveTypes.class.getClassLoader();
		return ClassUtils.isPresent(name, classLoader) ? ClassUtils.resolveClassName(name, classLoader) : null;
	}

}
