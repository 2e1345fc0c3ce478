package dev.tiergate.autoconfigure.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of RFC 8941 lists whose items are strings with parameters, the form of
 * the IETF {@code RateLimit-Policy} and {@code RateLimit} fields, so that tests read the
 * values as a client would and fail on anything the RFC does not allow.
 */
final class StructuredFields {

	private final String text;

	private int position;

	private StructuredFields(String text) {
		this.text = text;
	}

	/**
	 * One list member: a string and its parameters (Long for integers, String for strings
	 * and tokens, Boolean.TRUE for a bare key).
	 */
	record Item(String value, Map<String, Object> parameters) {
	}

	static List<Item> parseList(String field) {
		StructuredFields parser = new StructuredFields(field);
		List<Item> items = new ArrayList<>();
		parser.skipSpaces();
		while (parser.position < field.length()) {
			items.add(parser.item());
			parser.skipOws();
			if (parser.position == field.length()) {
				break;
			}
			parser.expect(',');
			parser.skipOws();
			if (parser.position == field.length()) {
				throw new IllegalArgumentException("Trailing comma in '" + field + "'");
			}
		}
		return items;
	}

	private Item item() {
		String value = string();
		Map<String, Object> parameters = new LinkedHashMap<>();
		while (this.position < this.text.length() && this.text.charAt(this.position) == ';') {
			this.position++;
			skipSpaces();
			String key = key();
			Object parameter = Boolean.TRUE;
			if (this.position < this.text.length() && this.text.charAt(this.position) == '=') {
				this.position++;
				parameter = bareItem();
			}
			parameters.put(key, parameter);
		}
		return new Item(value, parameters);
	}

	private Object bareItem() {
		char c = this.text.charAt(this.position);
		if (c == '"') {
			return string();
		}
		if (c == '-' || Character.isDigit(c)) {
			int start = this.position;
			if (c == '-') {
				this.position++;
			}
			while (this.position < this.text.length() && Character.isDigit(this.text.charAt(this.position))) {
				this.position++;
			}
			String digits = this.text.substring(start, this.position);
			if (digits.replace("-", "").isEmpty() || digits.replace("-", "").length() > 15) {
				throw new IllegalArgumentException("Not an sf-integer: '" + digits + "' in '" + this.text + "'");
			}
			return Long.parseLong(digits);
		}
		if (Character.isLetter(c) || c == '*') {
			int start = this.position;
			while (this.position < this.text.length()
					&& (Character.isLetterOrDigit(this.text.charAt(this.position))
							|| ":/!#$%&'*+-.^_`|~".indexOf(this.text.charAt(this.position)) != -1)) {
				this.position++;
			}
			return this.text.substring(start, this.position);
		}
		throw new IllegalArgumentException("Unexpected '" + c + "' at " + this.position + " in '" + this.text + "'");
	}

	private String key() {
		int start = this.position;
		while (this.position < this.text.length()) {
			char c = this.text.charAt(this.position);
			boolean first = this.position == start;
			if ((c >= 'a' && c <= 'z') || c == '*' || (!first && ((c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))) {
				this.position++;
			}
			else {
				break;
			}
		}
		if (this.position == start) {
			throw new IllegalArgumentException("No key at " + start + " in '" + this.text + "'");
		}
		return this.text.substring(start, this.position);
	}

	private String string() {
		expect('"');
		StringBuilder value = new StringBuilder();
		while (true) {
			if (this.position >= this.text.length()) {
				throw new IllegalArgumentException("Unterminated string in '" + this.text + "'");
			}
			char c = this.text.charAt(this.position++);
			if (c == '"') {
				return value.toString();
			}
			if (c == '\\') {
				char escaped = this.text.charAt(this.position++);
				if (escaped != '"' && escaped != '\\') {
					throw new IllegalArgumentException("Bad escape in '" + this.text + "'");
				}
				value.append(escaped);
			}
			else if (c < 0x20 || c > 0x7e) {
				throw new IllegalArgumentException("Character " + (int) c + " not allowed in '" + this.text + "'");
			}
			else {
				value.append(c);
			}
		}
	}

	private void expect(char c) {
		if (this.position >= this.text.length() || this.text.charAt(this.position) != c) {
			throw new IllegalArgumentException("Expected '" + c + "' at " + this.position + " in '" + this.text + "'");
		}
		this.position++;
	}

	private void skipSpaces() {
		while (this.position < this.text.length() && this.text.charAt(this.position) == ' ') {
			this.position++;
		}
	}

	private void skipOws() {
		while (this.position < this.text.length()
				&& (this.text.charAt(this.position) == ' ' || this.text.charAt(this.position) == '\t')) {
			this.position++;
		}
	}

}
