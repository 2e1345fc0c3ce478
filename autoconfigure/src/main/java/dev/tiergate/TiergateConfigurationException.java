package dev.tiergate;

/**
 * Thrown at startup when an annotation cannot work on its method. The message names the
 * method, and {@link #getAction()} says how to fix it. An invalid property value is
 * reported with Boot's {@code InvalidConfigurationPropertyValueException} instead, whose
 * failure analysis shows where the value came from.
 */
public class TiergateConfigurationException extends RuntimeException {

	private final String subject;

	private final String problem;

	private final String action;

	/**
	 * Creates an exception.
	 * @param subject what is wrong, for example {@code method ProductService.find(long)}
	 * @param problem what is wrong with it
	 * @param action how to fix it
	 */
	public TiergateConfigurationException(String subject, String problem, String action) {
		super(subject + ": " + problem);
		this.subject = subject;
		this.problem = problem;
		this.action = action;
	}

	/**
	 * Returns the method that is wrong.
	 * @return the subject
	 */
	public String getSubject() {
		return this.subject;
	}

	/**
	 * Returns what is wrong.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * Returns how to fix it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
