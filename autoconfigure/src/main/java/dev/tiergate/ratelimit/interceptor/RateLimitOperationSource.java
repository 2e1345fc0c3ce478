package dev.tiergate.ratelimit.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.interceptor.DeclaredAnnotations;
import dev.tiergate.interceptor.MethodOperationCache;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

/**
 * Reads {@code @RateLimited} of methods into {@link RateLimitOperation}s, once per method
 * and target class: the tier is looked up, expressions are parsed, and a key that names
 * a parameter becomes a direct argument read, so a call does none of that. An annotation
 * that cannot work is reported with a {@link TiergateConfigurationException} naming the
 * method.
 */
public final class RateLimitOperationSource {

	private static final Set<Class<? extends Annotation>> ANNOTATION_TYPES = Set.of(RateLimited.class);

	private static final Pattern PARAMETER_REFERENCE = Pattern.compile("#([A-Za-z_$][\\w$]*)");

	private static final Pattern PARAMETER_INDEX = Pattern.compile("[pa](\\d+)");

	private final Supplier<RateLimiters> rateLimiters;

	private final Function<String, ClientKeyResolver> keyResolvers;

	private final SpelExpressionParser parser;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final MethodOperationCache<RateLimitOperation> operations = new MethodOperationCache<>(this::parse);

	/**
	 * Creates a source.
	 * @param rateLimiters the rate limiters, resolved on first use so that creating this
	 * source connects to nothing
	 * @param keyResolvers the key resolver of each tier, by tier name
	 * @param classLoader the class loader for compiled expressions
	 */
	public RateLimitOperationSource(Supplier<RateLimiters> rateLimiters,
			Function<String, ClientKeyResolver> keyResolvers, @Nullable ClassLoader classLoader) {
		this.rateLimiters = rateLimiters;
		this.keyResolvers = keyResolvers;
		this.parser = new SpelExpressionParser(new SpelParserConfiguration(SpelCompilerMode.MIXED, classLoader));
	}

	/**
	 * Returns whether calls of a method are rate limited: the method carries
	 * {@code @RateLimited} (directly, on a method it overrides or implements, or as a
	 * meta-annotation), or it is public and its class or an interface carries it. The most
	 * specific declaration wins, as {@link DeclaredAnnotations} describes.
	 * @param method the method
	 * @param targetClass the class of the target
	 * @return whether the method is rate limited
	 */
	public static boolean isAnnotated(Method method, Class<?> targetClass) {
		return !DeclaredAnnotations.find(method, targetClass, ANNOTATION_TYPES).isEmpty();
	}

	ParameterNameDiscoverer parameterNames() {
		return this.parameterNames;
	}

	/**
	 * Returns the operation of a method called on a target, parsing it on first use. The
	 * usual call costs one map lookup and a class comparison.
	 * @param method the invoked method
	 * @param target the target object, {@code null} for a static call
	 * @return the operation, or {@code null} if the method is not rate limited
	 * @throws TiergateConfigurationException if the annotation cannot work on the method
	 */
	@Nullable RateLimitOperation get(Method method, @Nullable Object target) {
		return this.operations.get(method, target);
	}

	/**
	 * Parses and checks the annotation of a method, for validation at startup.
	 * @param method the method
	 * @param targetClass the class of the target
	 * @throws TiergateConfigurationException if the annotation cannot work on the method
	 */
	public void validate(Method method, Class<?> targetClass) {
		this.operations.get(method, targetClass);
	}

	private @Nullable RateLimitOperation parse(Method method, Class<?> targetClass) {
		DeclaredAnnotations declared = DeclaredAnnotations.find(method, targetClass, ANNOTATION_TYPES);
		if (declared.isEmpty()) {
			return null;
		}
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		MethodContext context = new MethodContext(specific, targetClass);
		List<RateLimited> annotations = declared.get(RateLimited.class);
		if (annotations.size() > 1) {
			throw context.invalid("carries " + annotations.size() + " @RateLimited annotations (through "
					+ declared.declaredAs() + "), but a method is limited by one tier",
					"Keep one @RateLimited; a tier can carry several limits (extra-limits).");
		}
		RateLimited annotation = annotations.get(0);
		String tierName = annotation.value();
		TierRateLimiter limiter = this.rateLimiters.get().find(tierName);
		if (limiter == null) {
			throw context.invalid("is @RateLimited(\"" + tierName + "\") but there is no rate-limit tier '"
					+ tierName + "' (the tiers are " + tierNames() + ")",
					"Configure the tier under tiergate.rate-limit.tiers." + tierName
							+ ", or name one of the configured tiers.");
		}
		boolean hasCostExpression = !annotation.costExpression().isBlank();
		long smallestCapacity = limiter.tier().smallestCapacity();
		if (!hasCostExpression && (annotation.cost() < 1 || annotation.cost() > smallestCapacity)) {
			throw context.invalid("costs " + annotation.cost() + " token(s) per call, but a cost must be at least 1"
					+ " and at most the capacity of tier '" + tierName + "' (" + smallestCapacity + ")",
					"Set cost between 1 and " + smallestCapacity + ", or raise the tier's capacity.");
		}
		String key = annotation.key();
		int keyArgument = -1;
		Expression keyExpression = null;
		if (!key.isBlank()) {
			Matcher reference = PARAMETER_REFERENCE.matcher(key.strip());
			if (reference.matches() && !isBuiltInVariable(reference.group(1))) {
				keyArgument = context.parameterIndex(key, reference.group(1));
			}
			else {
				keyExpression = expression(context, "key", key);
			}
		}
		Expression costExpression = hasCostExpression ? expression(context, "costExpression",
				annotation.costExpression()) : null;
		return new RateLimitOperation(specific, targetClass, context.description, limiter,
				this.keyResolvers.apply(tierName), keyArgument, keyExpression, annotation.cost(), costExpression);
	}

	private String tierNames() {
		return this.rateLimiters.get()
			.all()
			.stream()
			.map((limiter) -> limiter.tier().name())
			.collect(Collectors.joining(", ", "[", "]"));
	}

	private static boolean isBuiltInVariable(String name) {
		return name.equals("root") || name.equals("this");
	}

	private Expression expression(MethodContext context, String attribute, String expression) {
		if (expression.contains("#result")) {
			throw context.invalid(attribute + " '" + expression + "' of @RateLimited uses #result, which does not"
					+ " exist: the limit is checked before the method is invoked", "Use the arguments.");
		}
		try {
			return this.parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw context.invalid(attribute + " '" + expression + "' of @RateLimited is not valid SpEL: "
					+ ex.getMessage(), "Fix the expression.");
		}
	}

	/** The method being parsed, for error messages and parameter lookups. */
	private final class MethodContext {

		private final Method method;

		private final String description;

		MethodContext(Method method, Class<?> targetClass) {
			this.method = method;
			this.description = "method " + ClassUtils.getShortName(targetClass) + "." + method.getName() + "("
					+ Arrays.stream(method.getParameterTypes())
						.map(Class::getSimpleName)
						.collect(Collectors.joining(", "))
					+ ")";
		}

		int parameterIndex(String key, String name) {
			int count = this.method.getParameterCount();
			Matcher index = PARAMETER_INDEX.matcher(name);
			if (index.matches()) {
				int position = Integer.parseInt(index.group(1));
				if (position < count) {
					return position;
				}
				throw invalid("key '" + key + "' of @RateLimited refers to argument " + position
						+ " but the method has " + count + " parameter(s)",
						(count > 0) ? "Use #p0 to #p" + (count - 1) + "." : "Remove the key.");
			}
			String[] names = RateLimitOperationSource.this.parameterNames.getParameterNames(this.method);
			if (names != null) {
				for (int i = 0; i < names.length; i++) {
					if (names[i].equals(name)) {
						return i;
					}
				}
				throw invalid("key '" + key + "' of @RateLimited names no parameter of the method (its parameters"
						+ " are " + String.join(", ", names) + ")", "Name one of the parameters.");
			}
			throw invalid("key '" + key + "' of @RateLimited names a parameter but the method was compiled"
					+ " without parameter names", "Compile with the -parameters flag (Spring Boot's Maven and"
							+ " Gradle plugins do), or refer to arguments by position: #p0, #p1.");
		}

		TiergateConfigurationException invalid(String problem, String action) {
			return new TiergateConfigurationException(this.description, problem, action);
		}

	}

}
