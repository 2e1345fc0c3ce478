package dev.tiergate;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when tiergate is configured wrongly: an invalid property value
 * or an annotation that cannot work on its method. The message names the property or the
 * method, and {@link #getAction()} says how to fix it.
 */
public class TiergateConfigurationException extends RuntimeException {

	private final String subject;

	private final String problem;

	private final String action;

	private final @Nullable String property;

	/**
	 * Creates an exception.
	 * @param subject what is wrong, for example {@code property
	 * 'tiergate.cache.caches.products.l1.ttl'} or {@code method ProductService.find(long)}
	 * @param problem what is wrong with it
	 * @param action how to fix it
	 */
	public TiergateConfigurationException(String subject, String problem, String action) {
		this(subject, problem, action, null);
	}

	private TiergateConfigurationException(String subject, String problem, String action,
			@Nullable String property) {
		super(subject + ": " + problem);
		this.subject = subject;
		this.problem = problem;
		this.action = action;
		this.property = property;
	}

	/**
	 * Creates an exception for an invalid property value, so that the failure analysis can
	 * say where the value came from.
	 * @param property the full name of the property, for example
	 * {@code tiergate.cache.caches.products.l1.ttl}
	 * @param problem what is wrong with its value
	 * @param action how to fix it
	 * @return the exception
	 */
	public static TiergateConfigurationException forProperty(String property, String problem, String action) {
		return new TiergateConfigurationException("property '" + property + "'", problem, action, property);
	}

	/**
	 * Returns the property whose value is wrong, when a property is.
	 * @return the full property name, or {@code null} when a method is wrong
	 */
	public @Nullable String getProperty() {
		return this.property;
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
