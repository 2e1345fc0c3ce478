package dev.tiergate.ratelimit.interceptor;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.interceptor.AnnotatedMethod;
import dev.tiergate.interceptor.AnnotatedOperationSource;
import dev.tiergate.interceptor.AnnotatedOperationSource.ResultVariable;
import dev.tiergate.interceptor.DeclaredAnnotations;
import dev.tiergate.interceptor.KeySource;
import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import dev.tiergate.ratelimit.TierRateLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * Reads {@code @RateLimited} of methods into {@link RateLimitOperation}s, once per method
 * and target class: the tier is looked up, expressions are parsed, and a key that names
 * a parameter becomes a direct argument read, so a call does none of that. An annotation
 * that cannot work is reported with a {@link TiergateConfigurationException} naming the
 * method. Calls of a method are rate limited when it carries {@code @RateLimited}
 * (directly, on a method it overrides or implements, or as a meta-annotation), or when
 * it is public and its class or an interface carries it.
 */
final class RateLimitOperationSource extends AnnotatedOperationSource<RateLimitOperation> {

	private static final Set<Class<? extends Annotation>> ANNOTATION_TYPES = Set.of(RateLimited.class);

	private static final ResultVariable BEFORE_INVOCATION = ResultVariable
		.unavailable("Use the arguments: the limit is checked before the method is invoked.");

	private final Supplier<RateLimiters> rateLimiters;

	private final Function<String, ClientKeyResolver> keyResolvers;

	/**
	 * Creates a source.
	 * @param rateLimiters the rate limiters, resolved on first use so that creating this
	 * source connects to nothing
	 * @param keyResolvers the key resolver of each tier, by tier name
	 * @param classLoader the class loader for compiled expressions
	 */
	RateLimitOperationSource(Supplier<RateLimiters> rateLimiters,
			Function<String, ClientKeyResolver> keyResolvers, @Nullable ClassLoader classLoader) {
		super(ANNOTATION_TYPES, classLoader);
		this.rateLimiters = rateLimiters;
		this.keyResolvers = keyResolvers;
	}

	@Override
	protected RateLimitOperation parse(DeclaredAnnotations declared, AnnotatedMethod method) {
		List<RateLimited> annotations = declared.get(RateLimited.class);
		if (annotations.size() > 1) {
			throw method.invalid("carries " + annotations.size() + " @RateLimited annotations (through "
					+ declared.declaredAs() + "), but a method is limited by one tier",
					"Keep one @RateLimited; a tier can carry several limits (extra-limits).");
		}
		RateLimited annotation = annotations.get(0);
		String tierName = annotation.value();
		TierRateLimiter limiter = this.rateLimiters.get().find(tierName);
		if (limiter == null) {
			throw method.invalid("is @RateLimited(\"" + tierName + "\") but there is no rate-limit tier '"
					+ tierName + "' (the tiers are " + tierNames() + ")",
					"Configure the tier under tiergate.rate-limit.tiers." + tierName
							+ ", or name one of the configured tiers.");
		}
		boolean hasCostExpression = !annotation.costExpression().isBlank();
		long smallestCapacity = limiter.smallestCapacity();
		if (!hasCostExpression && (annotation.cost() < 1 || annotation.cost() > smallestCapacity)) {
			throw method.invalid("costs " + annotation.cost() + " token(s) per call, but a cost must be at least 1"
					+ " and at most the smallest capacity of tier '" + tierName + "' and its plans (" + smallestCapacity + ")",
					"Set cost between 1 and " + smallestCapacity + ", or raise the tier's capacity.");
		}
		// Without a key the tier's key resolver finds the client, not the arguments.
		KeySource key = annotation.key().isBlank() ? null
				: parseKey(method, "@RateLimited", annotation.key(), BEFORE_INVOCATION);
		Expression costExpression = parseExpression(method, "@RateLimited", "costExpression",
				annotation.costExpression(), BEFORE_INVOCATION);
		Expression actualCostExpression = parseExpression(method, "@RateLimited", "actualCostExpression",
				annotation.actualCostExpression(), ResultVariable.AVAILABLE);
		Class<?> returnType = method.method().getReturnType();
		if ((actualCostExpression != null || limiter.limitsConcurrency()) && AfterCall.isDeferred(returnType)
				&& !AfterCall.isFollowed(returnType)) {
			throw method.invalid("returns " + returnType.getSimpleName() + ", whose end tiergate cannot follow, but "
					+ ((actualCostExpression != null) ? "has an actualCostExpression"
							: "is limited by tier '" + tierName + "', which has max-concurrent"),
					"Return CompletableFuture, CompletionStage, Mono or Flux, whose results are settled and hold"
							+ " their lease until they complete.");
		}
		return new RateLimitOperation(method, limiter, this.keyResolvers.apply(tierName), key, annotation.cost(),
				costExpression, actualCostExpression, annotation.refundOnError());
	}

	private String tierNames() {
		return this.rateLimiters.get()
			.all()
			.stream()
			.map((limiter) -> limiter.tier().name())
			.collect(Collectors.joining(", ", "[", "]"));
	}

}
