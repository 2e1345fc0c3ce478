package dev.tiergate.aot;

import java.lang.annotation.Annotation;
import java.util.List;

import dev.tiergate.MethodExpressionRoot;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.warmup.TieredCacheWarmer;
import dev.tiergate.ratelimit.RateLimited;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What tiergate reads reflectively or as a resource in every application: the attributes
 * of its annotations, the root object of its expressions ({@code #root.args},
 * {@code #root.method}), the Lua script of the Redis token buckets, and Spring Security's
 * {@code SecurityContextHolder}, looked up by name for the {@code user} key resolver. The
 * types of the annotated methods are the business of
 * {@link TiergateBeanRegistrationAotProcessor}.
 */
class TiergateRuntimeHints implements RuntimeHintsRegistrar {

	/** The annotations whose attributes tiergate reads on the application's methods. */
	static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(TieredCacheable.class, TieredCachePut.class,
			TieredCacheEvict.class, TieredCacheWarmer.class, RateLimited.class);

	/** The script of {@code dev.tiergate.ratelimit.redis.TokenBucketScript}, read from the class path. */
	static final String TOKEN_BUCKET_SCRIPT = "dev/tiergate/ratelimit/redis/token-bucket.lua";

	static final String SECURITY_CONTEXT_HOLDER = "org.springframework.security.core.context.SecurityContextHolder";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(TOKEN_BUCKET_SCRIPT);
		for (Class<? extends Annotation> annotation : ANNOTATIONS) {
			hints.reflection().registerType(annotation, MemberCategory.INVOKE_DECLARED_METHODS);
		}
		hints.reflection().registerType(MethodExpressionRoot.class, MemberCategory.INVOKE_PUBLIC_METHODS);
		hints.reflection().registerTypeIfPresent(classLoader, SECURITY_CONTEXT_HOLDER);
	}

}
