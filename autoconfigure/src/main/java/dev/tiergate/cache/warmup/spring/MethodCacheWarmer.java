package dev.tiergate.cache.warmup.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;

import dev.tiergate.cache.warmup.CacheWarmer;
import dev.tiergate.interceptor.AnnotatedMethod;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * A {@link CacheWarmer} that calls a bean method annotated with
 * {@code @TieredCacheWarmer}.
 */
final class MethodCacheWarmer implements CacheWarmer {

	private final Object bean;

	private final Method invocable;

	private final String description;

	private final String cacheName;

	private final Type valueType;

	MethodCacheWarmer(Object bean, AnnotatedMethod method, String cacheName, Type valueType) {
		this.bean = bean;
		this.invocable = AopUtils.selectInvocableMethod(method.method(), bean.getClass());
		ReflectionUtils.makeAccessible(this.invocable);
		this.description = method.description();
		this.cacheName = cacheName;
		this.valueType = valueType;
	}

	@Override
	public String cacheName() {
		return this.cacheName;
	}

	@Override
	public Type valueType() {
		return this.valueType;
	}

	@Override
	public Map<?, ?> entries() throws Exception {
		Object entries;
		try {
			entries = this.invocable.invoke(this.bean);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
		return (entries != null) ? (Map<?, ?>) entries : Map.of();
	}

	@Override
	public String toString() {
		return this.description;
	}

}
