package dev.tiergate.cache.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.tiergate.cache.CacheKeyEncoder;
import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCacheSettings;
import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.interceptor.DeclaredAnnotations;
import dev.tiergate.interceptor.MethodOperationCache;
import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.cache.TieredCaches;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

/**
 * Reads the tiered cache annotations of methods into {@link CacheOperations}, once per
 * method and target class: expressions are parsed, keys that name a parameter are turned
 * into a direct argument read, and the cache is resolved, so a call does none of that
 * work. Annotations that cannot work are reported with a
 * {@link TiergateConfigurationException} naming the method.
 */
public final class TieredCacheOperationSource {

	private static final Set<Class<? extends Annotation>> ANNOTATION_TYPES = Set.of(TieredCacheable.class,
			TieredCachePut.class, TieredCacheEvict.class);

	private static final Pattern PARAMETER_REFERENCE = Pattern.compile("#([A-Za-z_$][\\w$]*)");

	private static final Pattern PARAMETER_INDEX = Pattern.compile("[pa](\\d+)");

	private final Supplier<TieredCaches> caches;

	private final SpelExpressionParser parser;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final MethodOperationCache<CacheOperations> operations = new MethodOperationCache<>(this::parse);

	/**
	 * Creates a source.
	 * @param caches the caches, resolved on first use so that creating this source does
	 * not connect to Redis
	 * @param classLoader the class loader for compiled expressions
	 */
	public TieredCacheOperationSource(Supplier<TieredCaches> caches, @Nullable ClassLoader classLoader) {
		this.caches = caches;
		this.parser = new SpelExpressionParser(new SpelParserConfiguration(SpelCompilerMode.MIXED, classLoader));
	}

	/**
	 * Returns whether a method carries a tiered cache annotation: on the method, on a
	 * method it overrides or implements, or as a meta-annotation. The most specific
	 * declaration wins, as {@link DeclaredAnnotations} describes.
	 * @param method the method
	 * @param targetClass the class of the target
	 * @return whether the method is cached
	 */
	public static boolean isAnnotated(Method method, Class<?> targetClass) {
		return !DeclaredAnnotations.find(method, targetClass, ANNOTATION_TYPES).isEmpty();
	}

	ParameterNameDiscoverer parameterNames() {
		return this.parameterNames;
	}

	/**
	 * Returns the operations of a method called on a target, parsing them on first use.
	 * The usual call costs one map lookup and a class comparison.
	 * @param method the invoked method
	 * @param target the target object, {@code null} for a static call
	 * @return the operations, or {@code null} if the method is not annotated
	 * @throws TiergateConfigurationException if an annotation cannot work on the
	 * method
	 */
	@Nullable CacheOperations get(Method method, @Nullable Object target) {
		return this.operations.get(method, target);
	}

	/**
	 * Parses and checks the operations of a method, for validation at startup.
	 * @param method the method
	 * @param targetClass the class of the target
	 * @throws TiergateConfigurationException if an annotation cannot work on the
	 * method
	 */
	public void validate(Method method, Class<?> targetClass) {
		this.operations.get(method, targetClass);
	}

	private @Nullable CacheOperations parse(Method method, Class<?> targetClass) {
		DeclaredAnnotations declared = DeclaredAnnotations.find(method, targetClass, ANNOTATION_TYPES);
		if (declared.isEmpty()) {
			return null;
		}
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		MethodContext context = new MethodContext(specific, targetClass);
		if (declared.place().isType()) {
			throw context.invalid("carries " + declared.types() + " through " + declared.declaredAs()
					+ " on its class or interface, but tiered cache annotations apply to methods only",
					"Annotate each method to cache, put or evict.");
		}
		List<TieredCacheable> cacheables = declared.get(TieredCacheable.class);
		List<TieredCachePut> puts = declared.get(TieredCachePut.class);
		if (cacheables.size() > 1) {
			throw context.invalid("carries " + cacheables.size() + " @TieredCacheable annotations (through "
					+ declared.declaredAs(TieredCacheable.class) + "), but a method reads through one cache",
					"Keep one @TieredCacheable on the method.");
		}
		if (puts.size() > 1) {
			throw context.invalid("carries " + puts.size() + " @TieredCachePut annotations (through "
					+ declared.declaredAs(TieredCachePut.class) + "), but a method writes its result to one cache",
					"Keep one @TieredCachePut on the method.");
		}
		TieredCacheable cacheable = cacheables.isEmpty() ? null : cacheables.get(0);
		TieredCachePut put = puts.isEmpty() ? null : puts.get(0);
		List<TieredCacheEvict> evicts = declared.get(TieredCacheEvict.class);
		if (cacheable != null && put != null) {
			throw context.invalid("carries both @TieredCacheable and @TieredCachePut",
					"Use @TieredCacheable to read through the cache, or @TieredCachePut to always invoke the method"
							+ " and store its result, not both.");
		}
		ResolvableType returnType = ResolvableType.forMethodReturnType(specific, targetClass);
		if (cacheable != null || put != null) {
			checkReturnType(context, returnType);
		}
		boolean optional = Optional.class == returnType.toClass();
		// Resolved against the target class once: List<T> of a generic base class is List<Product> here.
		Type valueType = ResolvedTypes.of(optional ? returnType.getGeneric(0) : returnType);
		CacheOperation cacheableOperation = (cacheable != null) ? operation(context, "@TieredCacheable",
				cacheable.value(), cacheable.key(), false, cacheable.condition(), cacheable.unless(), false, false)
				: null;
		CacheOperation putOperation = (put != null) ? operation(context, "@TieredCachePut", put.value(), put.key(),
				true, put.condition(), put.unless(), false, false) : null;
		CacheOperation storing = (cacheableOperation != null) ? cacheableOperation : putOperation;
		String valueTypeProblem = (storing != null) ? storing.cache().valueTypeProblem(valueType) : null;
		if (valueTypeProblem != null) {
			throw context.invalid("returns values that cannot be cached in Redis: " + valueTypeProblem,
					"Let Jackson see the type's state as described, or keep the cache in L1 only with"
							+ " tiergate.cache.caches." + storing.cache().name() + ".l2.enabled=false.");
		}
		List<CacheOperation> evictOperations = evicts.stream()
			.map((evict) -> operation(context, "@TieredCacheEvict", evict.value(), evict.allEntries() ? "" : evict.key(),
					!evict.beforeInvocation(), "", "", evict.allEntries(), evict.beforeInvocation()))
			.toList();
		boolean needsEvaluation = (cacheableOperation != null && cacheableOperation.needsEvaluation())
				|| (putOperation != null && putOperation.needsEvaluation())
				|| evictOperations.stream().anyMatch(CacheOperation::needsEvaluation);
		return new CacheOperations(specific, targetClass, valueType, optional, cacheableOperation, putOperation,
				evictOperations, needsEvaluation);
	}

	private static void checkReturnType(MethodContext context, ResolvableType declaredReturnType) {
		Class<?> returnType = declaredReturnType.toClass();
		if (returnType == void.class || returnType == Void.class) {
			throw context.invalid("returns nothing, so there is no result to cache",
					"Put @TieredCacheable and @TieredCachePut on methods that return the value to cache; to remove"
							+ " entries use @TieredCacheEvict.");
		}
		if (isAsynchronous(returnType)) {
			throw context.invalid("returns an asynchronous type (" + returnType.getSimpleName()
					+ "), which tiered caches do not support yet",
					"Cache a method that returns the value itself and call it from the asynchronous code.");
		}
		if (returnType == Object.class) {
			throw context.invalid("returns Object, so values read back from Redis could not be bound to the"
					+ " type the method returned", "Declare the type of the values the method returns.");
		}
		String unresolved = ResolvedTypes.unresolved(declaredReturnType);
		if (unresolved != null) {
			throw context.invalid("returns " + declaredReturnType + ", whose values cannot be read back from"
					+ " Redis as what the method returned: " + unresolved,
					"Declare the full type, for example List<Product>, or bind the type variable in the class.");
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

	private CacheOperation operation(MethodContext context, String annotation, String cacheName, String key,
			boolean resultAvailable, String condition, String unless, boolean allEntries, boolean beforeInvocation) {
		if (cacheName.isBlank()) {
			throw context.invalid(annotation + " names no cache", "Set the annotation's value to a cache name.");
		}
		String nameProblem = TieredCacheSettings.nameProblem(cacheName);
		if (nameProblem != null) {
			throw context.invalid(annotation + " names the cache '" + cacheName + "', which " + nameProblem,
					"Rename the cache, for example with '-' or '.' instead of ':'.");
		}
		CacheKeySource keySource = keySource(context, annotation, key, resultAvailable);
		if (!allEntries) {
			checkKeyTypes(context, annotation, keySource);
		}
		TieredCache cache = this.caches.get().get(cacheName);
		return new CacheOperation(cache, keySource,
				expression(context, annotation, "condition", condition, resultAvailable),
				expression(context, annotation, "unless", unless, true), allEntries, beforeInvocation);
	}

	/** Refuses keys made of parameters whose type can never be written into a Redis key. */
	private void checkKeyTypes(MethodContext context, String annotation, CacheKeySource keySource) {
		int count = context.method.getParameterCount();
		int first = (keySource instanceof CacheKeySource.Argument argument) ? argument.index() : 0;
		int last = (keySource instanceof CacheKeySource.Argument) ? first + 1
				: (keySource == CacheKeySource.ALL_ARGUMENTS) ? count : 0;
		for (int i = first; i < last; i++) {
			ResolvableType parameter = ResolvableType.forMethodParameter(context.method, i, context.targetClass);
			String refusal = CacheKeyEncoder.refusal(ResolvedTypes.of(parameter));
			if (refusal != null) {
				String[] names = this.parameterNames.getParameterNames(context.method);
				String name = (names != null) ? names[i] : "p" + i;
				String type = parameter.toClass().getSimpleName();
				throw context.invalid("the key of " + annotation + " is parameter '" + name + "' of type " + type
						+ ", which " + refusal,
						"Set the annotation's key to the values that identify the call, for example key = \"#"
								+ name + ".id()\", or make " + type + " a record of them.");
			}
		}
	}

	private CacheKeySource keySource(MethodContext context, String annotation, String key, boolean resultAvailable) {
		if (key.isBlank()) {
			return CacheKeySource.ALL_ARGUMENTS;
		}
		String description = "key '" + key + "' of " + annotation + " on " + context.description;
		Matcher reference = PARAMETER_REFERENCE.matcher(key.strip());
		if (reference.matches() && !isBuiltInVariable(reference.group(1))) {
			return new CacheKeySource.Argument(context.parameterIndex(annotation, key, reference.group(1)),
					description);
		}
		Expression expression = expression(context, annotation, "key", key, resultAvailable);
		return new CacheKeySource.Evaluated(expression, description);
	}

	private static boolean isBuiltInVariable(String name) {
		return name.equals("root") || name.equals("result") || name.equals("this");
	}

	private @Nullable Expression expression(MethodContext context, String annotation, String attribute,
			String expression, boolean resultAvailable) {
		if (expression.isBlank()) {
			return null;
		}
		if (!resultAvailable && expression.contains("#result")) {
			throw context.invalid(attribute + " '" + expression + "' of " + annotation
					+ " uses #result, which does not exist before the method is invoked",
					"Use #result only in 'unless', in @TieredCachePut, and in @TieredCacheEvict after the"
							+ " invocation.");
		}
		try {
			return this.parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw context.invalid(attribute + " '" + expression + "' of " + annotation + " is not valid SpEL: "
					+ ex.getMessage(), "Fix the expression.");
		}
	}

	/** The method being parsed, for error messages and parameter lookups. */
	private final class MethodContext {

		private final Method method;

		private final Class<?> targetClass;

		private final String description;

		MethodContext(Method method, Class<?> targetClass) {
			this.method = method;
			this.targetClass = targetClass;
			this.description = "method " + ClassUtils.getShortName(targetClass) + "." + method.getName() + "("
					+ Arrays.stream(method.getParameterTypes())
						.map(Class::getSimpleName)
						.collect(Collectors.joining(", "))
					+ ")";
		}

		int parameterIndex(String annotation, String key, String name) {
			int count = this.method.getParameterCount();
			Matcher index = PARAMETER_INDEX.matcher(name);
			if (index.matches()) {
				int position = Integer.parseInt(index.group(1));
				if (position < count) {
					return position;
				}
				throw invalid("key '" + key + "' of " + annotation + " refers to argument " + position
						+ " but the method has " + count + " parameter(s)", "Use #p0 to #p" + (count - 1) + ".");
			}
			String[] names = TieredCacheOperationSource.this.parameterNames.getParameterNames(this.method);
			if (names != null) {
				for (int i = 0; i < names.length; i++) {
					if (names[i].equals(name)) {
						return i;
					}
				}
				throw invalid("key '" + key + "' of " + annotation + " names no parameter of the method (its"
						+ " parameters are " + String.join(", ", names) + ")", "Name one of the parameters.");
			}
			throw invalid("key '" + key + "' of " + annotation
					+ " names a parameter but the method was compiled without parameter names",
					"Compile with the -parameters flag (Spring Boot's Maven and Gradle plugins do), or refer to"
							+ " arguments by position: #p0, #p1.");
		}

		TiergateConfigurationException invalid(String problem, String action) {
			return new TiergateConfigurationException(this.description, problem, action);
		}

	}

}
