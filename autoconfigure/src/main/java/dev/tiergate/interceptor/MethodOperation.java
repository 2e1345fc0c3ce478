package dev.tiergate.interceptor;

/**
 * What an advice does around one method, parsed once from its annotations.
 */
public interface MethodOperation {

	/**
	 * Returns the method the operation applies to.
	 * @return the method
	 */
	AnnotatedMethod method();

	/**
	 * Returns whether a call needs a SpEL evaluation: some key, condition or cost is an
	 * expression.
	 * @return whether to create a {@link MethodEvaluation} per call
	 */
	boolean needsEvaluation();

}
