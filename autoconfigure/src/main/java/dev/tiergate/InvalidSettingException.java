package dev.tiergate;

/**
 * Thrown when an engine's setting is out of range. The setting is named as the engine
 * names it (for example {@code l1.ttl} of a cache, {@code slidingWindowSize} of the
 * circuit breaker); the Spring Boot layer maps it to the property that holds it.
 */
public class InvalidSettingException extends IllegalArgumentException {

	private final String setting;

	private final Object value;

	private final String problem;

	/**
	 * Creates an exception.
	 * @param setting the setting that is invalid
	 * @param value the value it was given
	 * @param problem what is wrong with its value
	 */
	public InvalidSettingException(String setting, Object value, String problem) {
		super(setting + " " + problem);
		this.setting = setting;
		this.value = value;
		this.problem = problem;
	}

	/**
	 * Returns the setting that is invalid.
	 * @return the setting
	 */
	public String getSetting() {
		return this.setting;
	}

	/**
	 * Returns the value the setting was given.
	 * @return the value
	 */
	public Object getValue() {
		return this.value;
	}

	/**
	 * Returns what is wrong with the value.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

}
