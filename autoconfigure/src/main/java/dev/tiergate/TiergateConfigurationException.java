package dev.tiergate;

/**
 * Thrown at startup when tiergate is configured wrongly: an invalid property value
 * or an annotation that cannot work on its method. The message names the property or the
 * method, and {@link #getAction()} says how to fix it.
 */
public class TiergateConfigurationException extends RuntimeException {

	private final String subject;

	private final String problem;

	private final String action;

	/**
	 * Creates an exception.
	 * @param subject what is wrong, for example {@code property
	 * 'tiergate.cache.caches.products.l1.ttl'} or {@code method ProductService.find(long)}
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
	 * Returns the property or method that is wrong.
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
