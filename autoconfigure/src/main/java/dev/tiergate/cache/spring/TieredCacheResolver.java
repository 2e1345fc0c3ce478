package dev.tiergate.cache.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.BasicOperation;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheOperationInvocationContext;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Resolves the caches of a Spring cache operation to views of the tiered caches bound to
 * the invoked method's declared return type, resolved against the target class and
 * unwrapped as Spring unwraps it ({@code Optional<T>}, {@code CompletableFuture<T>},
 * {@code Mono<T>}: {@code T}; {@code Flux<T>}: {@code List<T>}): the type L2 values are
 * decoded with, so a {@code List<Product>} comes back from Redis as one.
 */
public final class TieredCacheResolver implements CacheResolver {

	private final TieredCacheManager cacheManager;

	/** Per operation, which Spring's operation source keeps, and per target class. */
	private final ConcurrentMap<OperationKey, List<Cache>> resolved = new ConcurrentHashMap<>();

	/**
	 * The last resolution per method, compared by identity: the usual call, on a hit too,
	 * finds it without building a key or reading the target's class name.
	 */
	private final ConcurrentMap<Method, Resolved> lastByMethod = new ConcurrentHashMap<>();

	/**
	 * Creates a resolver.
	 * @param cacheManager the manager of the tiered caches
	 */
	public TieredCacheResolver(TieredCacheManager cacheManager) {
		this.cacheManager = cacheManager;
	}

	/**
	 * Returns what makes a resolver (and tiergate's key generator) the defaults of Spring's
	 * cache aspects once the singletons exist, unless the application configured its own
	 * through a {@code CachingConfigurer}: declared by the auto-configuration.
	 * @param aspects Spring's cache aspects
	 * @param cacheManager the manager of the tiered caches
	 * @param resolver the resolver to make the aspects' default
	 * @return the bean that applies the defaults
	 */
	public static SmartInitializingSingleton defaultOfSpringsAspects(ObjectProvider<CacheAspectSupport> aspects,
			TieredCacheManager cacheManager, TieredCacheResolver resolver) {
		return new TieredCacheAspectDefaults(aspects, cacheManager, resolver);
	}

	@Override
	public Collection<? extends Cache> resolveCaches(CacheOperationInvocationContext<?> context) {
		BasicOperation operation = context.getOperation();
		Class<?> runtimeClass = context.getTarget().getClass();
		Method method = context.getMethod();
		Resolved last = this.lastByMethod.get(method);
		if (last != null && last.operation == operation && last.runtimeClass == runtimeClass) {
			return last.caches;
		}
		OperationKey key = new OperationKey(operation, ClassUtils.getUserClass(runtimeClass), method);
		List<Cache> caches = this.resolved.get(key);
		if (caches == null) {
			caches = this.resolved.computeIfAbsent(key, this::resolve);
		}
		this.lastByMethod.put(method, new Resolved(operation, runtimeClass, caches));
		return caches;
	}

	private List<Cache> resolve(OperationKey key) {
		Type valueType = ReactiveTypes.valueType(ResolvableType.forMethodReturnType(key.method, key.targetClass));
		List<Cache> caches = new ArrayList<>();
		for (String name : key.operation.getCacheNames()) {
			caches.add(this.cacheManager.getCache(name, valueType));
		}
		return List.copyOf(caches);
	}

	private record Resolved(BasicOperation operation, Class<?> runtimeClass, List<Cache> caches) {
	}

	/** Compares operations by identity: their own {@code equals} compares their descriptions. */
	private static final class OperationKey {

		private final BasicOperation operation;

		private final Class<?> targetClass;

		private final Method method;

		private final int hashCode;

		OperationKey(BasicOperation operation, Class<?> targetClass, Method method) {
			this.operation = operation;
			this.targetClass = targetClass;
			this.method = method;
			this.hashCode = 31 * (31 * System.identityHashCode(operation) + targetClass.hashCode()) + method.hashCode();
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof OperationKey that && this.operation == that.operation
					&& this.targetClass == that.targetClass && this.method.equals(that.method);
		}

		@Override
		public int hashCode() {
			return this.hashCode;
		}

	}

}
