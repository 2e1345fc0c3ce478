package dev.tiergate.cache.spring;

import java.lang.reflect.Method;

import dev.tiergate.cache.ArgumentsKey;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.cache.interceptor.SimpleKeyGenerator;

/**
 * The default key of Spring's cache annotations on tiered caches: like
 * {@link SimpleKeyGenerator} (the argument itself when there is one, a key of all
 * arguments otherwise), but the key of several arguments is an {@link ArgumentsKey},
 * which tiergate can write into a Redis key; Spring's {@code SimpleKey} hides its
 * arguments, so calls keyed by one are served without L2.
 */
final class TieredCacheKeyGenerator implements KeyGenerator {

	@Override
	public Object generate(Object target, Method method, @Nullable Object... params) {
		return ArgumentsKey.of(params);
	}

}
