package dev.tiergate.demo;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the metric names a PromQL expression of a Grafana dashboard reads. Not a PromQL
 * parser: it removes what cannot be a metric name (string literals, which hold Grafana
 * variables, label matchers, range selectors and the label lists of {@code by},
 * {@code without}, {@code on}, {@code ignoring} and {@code group_left/right}), then keeps
 * the identifiers that are neither called as functions nor keywords. Enough for the
 * expressions a dashboard holds, and it errs towards finding too much, never too little.
 */
final class PromQlMetricNames {

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");

	private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");

	private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");

	private static final Pattern LABEL_LIST = Pattern
		.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

	/** Grafana's function that lists label values; only its first argument is a series. */
	private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
			"group_left", "group_right", "offset", "bool", "atan2", "inf", "nan");

	private PromQlMetricNames() {
	}

	/**
	 * Returns the metric names an expression reads.
	 * @param expression a PromQL expression, or Grafana's {@code label_values(...)}
	 * @return the metric names
	 */
	static Set<String> in(String expression) {
		String remaining = expression;
		Matcher labelValues = LABEL_VALUES.matcher(remaining);
		if (labelValues.matches()) {
			remaining = labelValues.group(1);
		}
		remaining = STRING.matcher(remaining).replaceAll(" ");
		remaining = LABEL_MATCHERS.matcher(remaining).replaceAll(" ");
		remaining = RANGE.matcher(remaining).replaceAll(" ");
		remaining = LABEL_LIST.matcher(remaining).replaceAll(" ");
		remaining = VARIABLE.matcher(remaining).replaceAll(" ");
		Set<String> names = new TreeSet<>();
		Matcher identifier = IDENTIFIER.matcher(remaining);
		while (identifier.find()) {
			boolean called = identifier.group(2) != null;
			String name = identifier.group(1);
			if (!called && !KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

}
