package dev.tiergate.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration metadata that the build writes, as tests read it.
 */
public final class PropertyMetadata {

	/** Written by the configuration processor when this module is compiled. */
	public static final Path FILE = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private PropertyMetadata() {
	}

	/**
	 * Returns the default values that the metadata shows for the properties under a prefix.
	 * @param prefix the start of the property names
	 * @return the defaults by property name, as text
	 */
	public static Map<String, Object> defaultValues(String prefix) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		read().path("properties").forEach((property) -> {
			String name = property.get("name").asString();
			if (name.startsWith(prefix) && property.has("defaultValue")) {
				defaults.put(name, property.get("defaultValue").asString());
			}
		});
		return defaults;
	}

	private static JsonNode read() {
		try {
			return JsonMapper.builder().build().readTree(Files.readString(FILE));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
