package dev.tiergate.cache.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheSettings;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.interceptor.AnnotatedMethod;
import dev.tiergate.interceptor.AnnotatedOperationSource;
import dev.tiergate.interceptor.AnnotatedOperationSource.ResultVariable;
import dev.tiergate.interceptor.DeclaredAnnotations;
import dev.tiergate.interceptor.KeySource;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.expression.Expression;

/**
 * Reads the tiered cache annotations of methods into {@link CacheOperations}, once per
 * method and target class: expressions are parsed, keys that name a parameter are turned
 * into a direct argument read, and the cache is resolved, so a call does none of that
 * work. Annotations that cannot work are reported with a
 * {@link TiergateConfigurationException} naming the method.
 */
final class TieredCacheOperationSource extends AnnotatedOperationSource<CacheOperations> {

	private static final Set<Class<? extends Annotation>> ANNOTATION_TYPES = Set.of(TieredCacheable.class,
			TieredCachePut.class, TieredCacheEvict.class);

	private static final ResultVariable BEFORE_INVOCATION = ResultVariable.unavailable("Use #result only in"
			+ " 'unless', in @TieredCachePut, and in @TieredCacheEvict after the invocation.");

	private final Supplier<TieredCaches> caches;

	/**
	 * Creates a source.
	 * @param caches the caches, resolved on first use so that creating this source does
	 * not connect to Redis
	 * @param classLoader the class loader for compiled expressions
	 */
	TieredCacheOperationSource(Supplier<TieredCaches> caches, @Nullable ClassLoader classLoader) {
		super(ANNOTATION_TYPES, classLoader);
		this.caches = caches;
	}

	@Override
	protected CacheOperations parse(DeclaredAnnotations declared, AnnotatedMethod method) {
		if (declared.place().isType()) {
			throw method.invalid("carries " + declared.types() + " through " + declared.declaredAs()
					+ " on its class or interface, but tiered cache annotations apply to methods only",
					"Annotate each method to cache, put or evict.");
		}
		List<TieredCacheable> cacheables = declared.get(TieredCacheable.class);
		List<TieredCachePut> puts = declared.get(TieredCachePut.class);
		if (cacheables.size() > 1) {
			throw method.invalid("carries " + cacheables.size() + " @TieredCacheable annotations (through "
					+ declared.declaredAs(TieredCacheable.class) + "), but a method reads through one cache",
					"Keep one @TieredCacheable on the method.");
		}
		if (puts.size() > 1) {
			throw method.invalid("carries " + puts.size() + " @TieredCachePut annotations (through "
					+ declared.declaredAs(TieredCachePut.class) + "), but a method writes its result to one cache",
					"Keep one @TieredCachePut on the method.");
		}
		TieredCacheable cacheable = cacheables.isEmpty() ? null : cacheables.get(0);
		TieredCachePut put = puts.isEmpty() ? null : puts.get(0);
		if (cacheable != null && put != null) {
			throw method.invalid("carries both @TieredCacheable and @TieredCachePut",
					"Use @TieredCacheable to read through the cache, or @TieredCachePut to always invoke the method"
							+ " and store its result, not both.");
		}
		ResolvableType returnType = ResolvableType.forMethodReturnType(method.method(), method.targetClass());
		if (cacheable != null || put != null) {
			checkReturnType(method, returnType);
		}
		boolean optional = Optional.class == returnType.toClass();
		AsyncReturn async = AsyncReturn.of(returnType.toClass());
		ResolvableType valueResolvable = optional ? returnType.getGeneric(0)
				: (async != null) ? async.valueType(returnType) : returnType;
		if (async != null && (cacheable != null || put != null)) {
			checkAsyncValueType(method, returnType);
		}
		// Resolved against the target class once: List<T> of a generic base class is List<Product> here.
		Type valueType = ResolvedTypes.of(valueResolvable);
		CacheOperation.Cacheable cacheableOperation = (cacheable != null) ? cacheable(method, cacheable) : null;
		CacheOperation.Put putOperation = (put != null) ? put(method, put) : null;
		CacheOperation.Storing storing = (cacheableOperation != null) ? cacheableOperation : putOperation;
		if (storing != null) {
			checkValueType(method, storing.cache(), valueType);
		}
		List<CacheOperation.Evict> evicts = declared.get(TieredCacheEvict.class)
			.stream()
			.map((evict) -> evict(method, evict))
			.toList();
		boolean needsEvaluation = (cacheableOperation != null && cacheableOperation.needsEvaluation())
				|| (putOperation != null && putOperation.needsEvaluation())
				|| evicts.stream().anyMatch(CacheOperation::needsEvaluation);
		return new CacheOperations(method, valueType, optional, async, cacheableOperation, putOperation,
				evicts.stream().filter(CacheOperation.Evict::beforeInvocation).toList(),
				evicts.stream().filter((evict) -> !evict.beforeInvocation()).toList(), needsEvaluation);
	}

	private CacheOperation.Cacheable cacheable(AnnotatedMethod method, TieredCacheable annotation) {
		String name = "@TieredCacheable";
		checkCacheName(method, name, annotation.value());
		KeySource key = keySource(method, name, annotation.key(), BEFORE_INVOCATION);
		TieredCache cache = this.caches.get().get(annotation.value());
		return new CacheOperation.Cacheable(cache, key, keyDescription(method, name, annotation.key()),
				expression(method, name, "condition", annotation.condition(), BEFORE_INVOCATION),
				expression(method, name, "unless", annotation.unless(), ResultVariable.AVAILABLE));
	}

	private CacheOperation.Put put(AnnotatedMethod method, TieredCachePut annotation) {
		String name = "@TieredCachePut";
		checkCacheName(method, name, annotation.value());
		KeySource key = keySource(method, name, annotation.key(), ResultVariable.AVAILABLE);
		TieredCache cache = this.caches.get().get(annotation.value());
		return new CacheOperation.Put(cache, key, keyDescription(method, name, annotation.key()),
				expression(method, name, "condition", annotation.condition(), ResultVariable.AVAILABLE),
				expression(method, name, "unless", annotation.unless(), ResultVariable.AVAILABLE));
	}

	private CacheOperation.Evict evict(AnnotatedMethod method, TieredCacheEvict annotation) {
		String name = "@TieredCacheEvict";
		ResultVariable result = annotation.beforeInvocation() ? BEFORE_INVOCATION : ResultVariable.AVAILABLE;
		checkCacheName(method, name, annotation.value());
		String keyText = annotation.allEntries() ? "" : annotation.key();
		KeySource key = annotation.allEntries() ? KeySource.ALL_ARGUMENTS : keySource(method, name, keyText, result);
		TieredCache cache = this.caches.get().get(annotation.value());
		return new CacheOperation.Evict(cache, key, keyDescription(method, name, keyText), annotation.allEntries(),
				annotation.beforeInvocation());
	}

	private static void checkReturnType(AnnotatedMethod method, ResolvableType declaredReturnType) {
		Class<?> returnType = declaredReturnType.toClass();
		if (returnType == void.class || returnType == Void.class) {
			throw method.invalid("returns nothing, so there is no result to cache",
					"Put @TieredCacheable and @TieredCachePut on methods that return the value to cache; to remove"
							+ " entries use @TieredCacheEvict.");
		}
		if (AsyncReturn.of(returnType) == null && isAsynchronous(returnType)) {
			throw method.invalid("returns an asynchronous type (" + returnType.getSimpleName()
					+ "), which tiered caches do not support: " + (Future.class.isAssignableFrom(returnType)
							&& !CompletionStage.class.isAssignableFrom(returnType)
									? "a Future cannot be waited for without blocking a thread"
									: "they cache CompletableFuture, CompletionStage, Mono and Flux"),
					"Declare the return type as CompletableFuture<T>, CompletionStage<T>, Mono<T> or Flux<T>.");
		}
		if (returnType == Object.class) {
			throw method.invalid("returns Object, so values read back from Redis could not be bound to the"
					+ " type the method returned", "Declare the type of the values the method returns.");
		}
		String unresolved = ResolvedTypes.unresolved(declaredReturnType);
		if (unresolved != null) {
			throw method.invalid("returns " + declaredReturnType + ", whose values cannot be read back from"
					+ " Redis as what the method returned: " + unresolved,
					"Declare the full type, for example List<Product>, or bind the type variable in the class.");
		}
	}

	/** What {@link #checkReturnType} refuses of a plain result, for the value an asynchronous one completes with. */
	private static void checkAsyncValueType(AnnotatedMethod method, ResolvableType returnType) {
		Class<?> value = returnType.getGeneric(0).toClass();
		if (value == Void.class) {
			throw method.invalid("returns " + returnType + ", which completes with nothing to cache",
					"Put @TieredCacheable and @TieredCachePut on methods whose result completes with the value to"
							+ " cache; to remove entries use @TieredCacheEvict.");
		}
		if (value == Object.class) {
			throw method.invalid("returns " + returnType + ", so values read back from Redis could not be bound"
					+ " to the type the method returned", "Declare the type of the values the method returns.");
		}
	}

	private static void checkValueType(AnnotatedMethod method, TieredCache cache, Type valueType) {
		String problem = cache.valueTypeProblem(valueType);
		if (problem != null) {
			throw method.invalid("returns values that cannot be cached in Redis: " + problem,
					"Let Jackson see the type's state as described, or keep the cache in L1 only with"
							+ " tiergate.cache.caches." + cache.name() + ".l2.enabled=false.");
		}
	}

	/**
	 * Futures, completion stages and every reactive-streams Publisher (Mono, Flux, behind
	 * any number of interfaces), found by name: the reactive-streams API is optional.
	 */
	private static boolean isAsynchronous(Class<?> type) {
		if (Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type)) {
			return true;
		}
		Deque<Class<?>> pending = new ArrayDeque<>(List.of(type));
		Set<Class<?>> seen = new HashSet<>();
		while (!pending.isEmpty()) {
			Class<?> candidate = pending.pop();
			if (!seen.add(candidate)) {
				continue;
			}
			if (candidate.getName().equals("org.reactivestreams.Publisher")) {
				return true;
			}
			if (candidate.getSuperclass() != null) {
				pending.push(candidate.getSuperclass());
			}
			pending.addAll(Arrays.asList(candidate.getInterfaces()));
		}
		return false;
	}

	private static void checkCacheName(AnnotatedMethod method, String annotation, String cacheName) {
		if (cacheName.isBlank()) {
			throw method.invalid(annotation + " names no cache", "Set the annotation's value to a cache name.");
		}
		String nameProblem = TieredCacheSettings.nameProblem(cacheName);
		if (nameProblem != null) {
			throw method.invalid(annotation + " names the cache '" + cacheName + "', which " + nameProblem,
					"Rename the cache, for example with '-' or '.' instead of ':'.");
		}
	}

	private KeySource keySource(AnnotatedMethod method, String annotation, String key, ResultVariable result) {
		KeySource source = parseKey(method, annotation, key, result);
		checkKeyTypes(method, annotation, source);
		return source;
	}

	private static String keyDescription(AnnotatedMethod method, String annotation, String key) {
		return (key.isBlank() ? "the arguments" : "key '" + key + "'") + " of " + annotation + " on "
				+ method.description();
	}

	private @Nullable Expression expression(AnnotatedMethod method, String annotation, String attribute,
			String expression, ResultVariable result) {
		return parseExpression(method, annotation, attribute, expression, result);
	}

	/** Refuses keys made of parameters whose type can never be written into a Redis key. */
	private static void checkKeyTypes(AnnotatedMethod method, String annotation, KeySource keySource) {
		int count = method.method().getParameterCount();
		int first = (keySource instanceof KeySource.Argument argument) ? argument.index() : 0;
		int last = (keySource instanceof KeySource.Argument) ? first + 1
				: (keySource instanceof KeySource.AllArguments) ? count : 0;
		for (int i = first; i < last; i++) {
			ResolvableType parameter = ResolvableType.forMethodParameter(method.method(), i, method.targetClass());
			String refusal = TieredCache.keyRefusal(ResolvedTypes.of(parameter));
			if (refusal != null) {
				String name = method.parameterName(i);
				String type = parameter.toClass().getSimpleName();
				throw method.invalid("the key of " + annotation + " is parameter '" + name + "' of type " + type
						+ ", which " + refusal,
						"Set the annotation's key to the values that identify the call, for example key = \"#"
								+ name + ".id()\", or make " + type + " a record of them.");
			}
		}
	}

}
