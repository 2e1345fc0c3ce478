package dev.tiergate.ratelimit.interceptor;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The text of the value of a {@code key} of {@code @RateLimited}, which names the client's
 * bucket: equal values must give equal text, in every call and on every instance.
 * {@code toString()} does that for strings, numbers, enums and most value types, but an
 * array's or a class's that does not override it is its identity (a new bucket per call:
 * no limit at all). So arrays and collections are written by their elements (sets and
 * maps sorted, so that iteration order does not matter), records by their components,
 * and a value whose {@code toString()} is {@code Object}'s is refused.
 */
final class RateLimitKeyText {

	/** Deeper than this is a cycle, or at least no key anyone meant. */
	private static final int MAX_DEPTH = 16;

	/** Looked up once per class: keys are written on every call. */
	private static final ClassValue<Boolean> IDENTITY_TO_STRING = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			try {
				return type.getMethod("toString").getDeclaringClass() == Object.class;
			}
			catch (NoSuchMethodException ex) {
				return true;
			}
		}

	};

	private RateLimitKeyText() {
	}

	/**
	 * Writes a key value.
	 * @param value the value of the key expression or argument
	 * @param description the method, for the message
	 * @return the text
	 * @throws IllegalStateException if the value (or a part of it) has an identity
	 * {@code toString()}
	 */
	static String of(Object value, String description) {
		if (value instanceof CharSequence || value instanceof Number || value instanceof Enum<?>) {
			return value.toString();
		}
		StringBuilder text = new StringBuilder();
		write(value, text, description, 0);
		return text.toString();
	}

	private static void write(@Nullable Object value, StringBuilder text, String description, int depth) {
		if (value == null) {
			text.append("null");
			return;
		}
		if (depth > MAX_DEPTH) {
			throw new IllegalStateException("The key of @RateLimited on " + description + " nests deeper than "
					+ MAX_DEPTH + " levels (a cycle?); use a key expression that names a simple value");
		}
		Class<?> type = value.getClass();
		if (type.isArray()) {
			List<Object> elements = new ArrayList<>();
			for (int i = 0; i < Array.getLength(value); i++) {
				elements.add(Array.get(value, i));
			}
			writeAll(elements, false, "[", "]", text, description, depth);
		}
		else if (value instanceof Set<?> set) {
			writeAll(set, true, "[", "]", text, description, depth);
		}
		else if (value instanceof Collection<?> collection) {
			writeAll(collection, false, "[", "]", text, description, depth);
		}
		else if (value instanceof Map<?, ?> map) {
			List<String> entries = new ArrayList<>();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				StringBuilder one = new StringBuilder();
				write(entry.getKey(), one, description, depth + 1);
				one.append('=');
				write(entry.getValue(), one, description, depth + 1);
				entries.add(one.toString());
			}
			entries.sort(null);
			text.append('{').append(String.join(", ", entries)).append('}');
		}
		else if (type.isRecord()) {
			text.append(type.getName()).append('[');
			RecordComponent[] components = type.getRecordComponents();
			for (int i = 0; i < components.length; i++) {
				text.append((i > 0) ? ", " : "").append(components[i].getName()).append('=');
				write(component(value, components[i], description), text, description, depth + 1);
			}
			text.append(']');
		}
		else if (hasIdentityToString(type)) {
			throw new IllegalStateException("The key of @RateLimited on " + description + " is a " + type.getName()
					+ ", whose toString() is Object's: every call would get a bucket of its own. Key by a value"
					+ " that says who the client is (key = \"#order.customerId\"), or give the class a toString()"
					+ " of its state");
		}
		else {
			text.append(value);
		}
	}

	private static void writeAll(Collection<?> elements, boolean sorted, String open, String close, StringBuilder text,
			String description, int depth) {
		List<String> written = new ArrayList<>(elements.size());
		for (Object element : elements) {
			StringBuilder one = new StringBuilder();
			write(element, one, description, depth + 1);
			written.add(one.toString());
		}
		if (sorted) {
			written.sort(null);
		}
		text.append(open).append(String.join(", ", written)).append(close);
	}

	private static @Nullable Object component(Object record, RecordComponent component, String description) {
		Method accessor = component.getAccessor();
		try {
			accessor.setAccessible(true);
			return accessor.invoke(record);
		}
		catch (IllegalAccessException | InvocationTargetException | RuntimeException ex) {
			throw new IllegalStateException("The key of @RateLimited on " + description + " is a record whose"
					+ " component '" + component.getName() + "' cannot be read: " + ex, ex);
		}
	}

	private static boolean hasIdentityToString(Class<?> type) {
		return IDENTITY_TO_STRING.get(type);
	}

}
