package dev.tiergate.cache;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Cache key made of several method arguments, compared element by element (arrays by
 * content). A single argument is used as a key on its own, without this wrapper.
 */
public final class ArgumentsKey {

	/** Key of a method without arguments. */
	public static final ArgumentsKey EMPTY = new ArgumentsKey(new Object[0]);

	private final @Nullable Object[] arguments;

	private final int hashCode;

	/**
	 * Creates a key of the given arguments. The array is not copied: callers pass an
	 * array that is not modified afterwards.
	 * @param arguments the arguments
	 */
	public ArgumentsKey(@Nullable Object[] arguments) {
		this.arguments = arguments;
		this.hashCode = Arrays.deepHashCode(arguments);
	}

	/**
	 * Returns the key for the arguments of a call: the argument itself when there is
	 * exactly one that is neither {@code null} nor an array, otherwise an
	 * {@code ArgumentsKey}.
	 * @param arguments the arguments
	 * @return the key
	 */
	public static Object of(@Nullable Object[] arguments) {
		if (arguments.length == 0) {
			return EMPTY;
		}
		if (arguments.length == 1) {
			Object single = arguments[0];
			if (single != null && !single.getClass().isArray()) {
				return single;
			}
		}
		return new ArgumentsKey(arguments);
	}

	@Nullable Object[] arguments() {
		return this.arguments;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other
				|| (other instanceof ArgumentsKey that && Arrays.deepEquals(this.arguments, that.arguments));
	}

	@Override
	public int hashCode() {
		return this.hashCode;
	}

	@Override
	public String toString() {
		return "ArgumentsKey" + Arrays.deepToString(this.arguments);
	}

}
