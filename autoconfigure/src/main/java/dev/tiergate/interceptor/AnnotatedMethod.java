package dev.tiergate.interceptor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.tiergate.MethodExpressionRoot;
import dev.tiergate.TiergateConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.util.ClassUtils;

/**
 * A method whose annotations an advice parses, as called on one target class: the most
 * specific method (whose parameters the expressions see), the text that names it in
 * messages, and the lookup of its parameters by {@code #name}, {@code #p0} or
 * {@code #a0}. Both advices word their parameter errors here, once.
 */
public final class AnnotatedMethod {

	// Shared by both advices and by every evaluation: the names come from the class file
	// (-parameters), so one discoverer serves all methods.
	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private static final Pattern PARAMETER_INDEX = Pattern.compile("[pa](\\d+)");

	private final Method method;

	private final Class<?> targetClass;

	private final String description;

	private AnnotatedMethod(Method method, Class<?> targetClass) {
		this.method = method;
		this.targetClass = targetClass;
		this.description = "method " + ClassUtils.getShortName(targetClass) + "." + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

	/**
	 * Describes a method called on a target class.
	 * @param method the method, possibly declared on an interface or a superclass
	 * @param targetClass the class of the target
	 * @return the description, of the most specific method
	 */
	public static AnnotatedMethod of(Method method, Class<?> targetClass) {
		return new AnnotatedMethod(AopUtils.getMostSpecificMethod(method, targetClass), targetClass);
	}

	/**
	 * Returns the most specific method: the one the target class declares or inherits.
	 * @return the method
	 */
	public Method method() {
		return this.method;
	}

	/**
	 * Returns the class of the target, as {@code #root.targetClass}.
	 * @return the target class
	 */
	public Class<?> targetClass() {
		return this.targetClass;
	}

	/**
	 * Names the method in messages, for example {@code method ProductService.find(long)}.
	 * @return the description
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Returns the name of a parameter, or {@code p0}, {@code p1}… for a class compiled
	 * without parameter names.
	 * @param index the position of the parameter
	 * @return the name
	 */
	public String parameterName(int index) {
		@Nullable String[] names = PARAMETER_NAMES.getParameterNames(this.method);
		String name = (names != null) ? names[index] : null;
		return (name != null) ? name : "p" + index;
	}

	/**
	 * Finds the parameter that a key of the form {@code #name}, {@code #p0} or {@code #a0}
	 * refers to.
	 * @param annotation the annotation, for messages, for example {@code @RateLimited}
	 * @param key the key as written
	 * @param reference the reference without {@code #}
	 * @return the position of the parameter
	 * @throws TiergateConfigurationException if the method has no such parameter
	 */
	public int parameterIndex(String annotation, String key, String reference) {
		int count = this.method.getParameterCount();
		String subject = "key '" + key + "' of " + annotation;
		Matcher index = PARAMETER_INDEX.matcher(reference);
		if (index.matches()) {
			int position = Integer.parseInt(index.group(1));
			if (position < count) {
				return position;
			}
			if (count == 0) {
				throw invalid(subject + " refers to argument " + position + ", but the method has no parameters",
						"Remove the key.");
			}
			if (count == 1) {
				throw invalid(subject + " refers to argument " + position + ", but the method has 1 parameter",
						"Use #p0.");
			}
			throw invalid(subject + " refers to argument " + position + ", but the method has " + count
					+ " parameters", "Use #p0 to #p" + (count - 1) + ".");
		}
		@Nullable String[] names = PARAMETER_NAMES.getParameterNames(this.method);
		if (names == null) {
			throw invalid(subject + " names a parameter but the method was compiled without parameter names",
					"Compile with the -parameters flag (Spring Boot's Maven and Gradle plugins do), or refer to"
							+ " arguments by position: #p0, #p1.");
		}
		for (int i = 0; i < names.length; i++) {
			if (reference.equals(names[i])) {
				return i;
			}
		}
		if (count == 0) {
			throw invalid(subject + " names a parameter, but the method has no parameters", "Remove the key.");
		}
		throw invalid(subject + " names no parameter of the method (its parameters are "
				+ Arrays.stream(names).map(String::valueOf).collect(Collectors.joining(", ")) + ")",
				"Name one of the parameters.");
	}

	/**
	 * Creates the startup error of an annotation that cannot work on this method.
	 * @param problem what is wrong
	 * @param action how to fix it
	 * @return the exception, naming the method
	 */
	public TiergateConfigurationException invalid(String problem, String action) {
		return new TiergateConfigurationException(this.description, problem, action);
	}

	/**
	 * Creates the evaluation state of one call, with {@link MethodExpressionRoot} as the
	 * root object and the arguments as variables.
	 * @param args the arguments of the call
	 * @param target the target object, {@code null} for a static call
	 * @param beanResolver resolves {@code @beanName} references, if any
	 * @return the evaluation
	 */
	public MethodEvaluation evaluation(@Nullable Object[] args, @Nullable Object target,
			@Nullable BeanResolver beanResolver) {
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
				new MethodExpressionRoot(this.method, args, target, this.targetClass), this.method, args,
				PARAMETER_NAMES);
		if (beanResolver != null) {
			context.setBeanResolver(beanResolver);
		}
		return new MethodEvaluation(context);
	}

	@Override
	public String toString() {
		return this.description;
	}

}
