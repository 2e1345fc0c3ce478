package dev.tiergate.interceptor;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tiergate.interceptor.AnnotatedOperationSource.ResultVariable;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The SpEL expressions of annotated methods: one parser configuration for both advices,
 * each expression parsed once per method and target class and kept, and the errors of an
 * expression that cannot work worded once. Keys that only name a parameter become a
 * {@link KeySource.Argument}, read without SpEL.
 */
final class MethodExpressions {

	private static final Pattern PARAMETER_REFERENCE = Pattern.compile("#([A-Za-z_$][\\w$]*)");

	private static final Set<String> VARIABLES = Set.of("root", "result", "this");

	private final SpelExpressionParser parser;

	private final ConcurrentMap<ExpressionKey, Expression> parsed = new ConcurrentHashMap<>();

	/**
	 * Creates the expressions of one advice.
	 * @param classLoader the class loader for compiled expressions
	 */
	MethodExpressions(@Nullable ClassLoader classLoader) {
		this.parser = new SpelExpressionParser(new SpelParserConfiguration(SpelCompilerMode.MIXED, classLoader));
	}

	/**
	 * Parses the key of an annotation.
	 * @param method the annotated method
	 * @param annotation the annotation, for messages
	 * @param key the key as written, blank for all arguments
	 * @param result whether the key may read {@code #result}
	 * @return where the key of a call comes from
	 * @throws dev.tiergate.TiergateConfigurationException if the key cannot work on the
	 * method
	 */
	KeySource keySource(AnnotatedMethod method, String annotation, String key, ResultVariable result) {
		if (key.isBlank()) {
			return KeySource.ALL_ARGUMENTS;
		}
		Matcher reference = PARAMETER_REFERENCE.matcher(key.strip());
		if (reference.matches() && !VARIABLES.contains(reference.group(1))) {
			return new KeySource.Argument(method.parameterIndex(annotation, key, reference.group(1)));
		}
		return new KeySource.Evaluated(parse(method, annotation, "key", key, result));
	}

	/**
	 * Parses an expression attribute of an annotation, or returns the expression parsed
	 * before for the same method and text.
	 * @param method the annotated method
	 * @param annotation the annotation, for messages
	 * @param attribute the attribute, for messages
	 * @param expression the expression, blank for none
	 * @param result whether the expression may read {@code #result}
	 * @return the parsed expression, {@code null} when blank
	 * @throws dev.tiergate.TiergateConfigurationException if the expression cannot work
	 * on the method
	 */
	@Nullable Expression parseIfPresent(AnnotatedMethod method, String annotation, String attribute,
			String expression, ResultVariable result) {
		return expression.isBlank() ? null : parse(method, annotation, attribute, expression, result);
	}

	private Expression parse(AnnotatedMethod method, String annotation, String attribute, String expression,
			ResultVariable result) {
		String subject = attribute + " '" + expression + "' of " + annotation;
		if (!result.available() && expression.contains("#result")) {
			throw method.invalid(subject + " uses #result, which does not exist before the method is invoked",
					result.otherwise());
		}
		// As Spring's CachedExpressionEvaluator: parsed outside the map's lock, and a
		// parse that loses a race is dropped.
		ExpressionKey key = new ExpressionKey(method.method(), method.targetClass(), expression);
		Expression cached = this.parsed.get(key);
		if (cached != null) {
			return cached;
		}
		try {
			Expression parsedNow = this.parser.parseExpression(expression);
			Expression earlier = this.parsed.putIfAbsent(key, parsedNow);
			return (earlier != null) ? earlier : parsedNow;
		}
		catch (ParseException ex) {
			throw method.invalid(subject + " is not valid SpEL: " + ex.getMessage(), "Fix the expression.");
		}
	}

	private record ExpressionKey(Method method, Class<?> targetClass, String expression) {
	}

}
