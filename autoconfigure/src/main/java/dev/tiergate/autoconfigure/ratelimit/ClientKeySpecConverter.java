package dev.tiergate.autoconfigure.ratelimit;

import dev.tiergate.ratelimit.ClientKeySpec;

import org.springframework.core.convert.converter.Converter;

/**
 * Binds {@code key-resolver} settings: parsed once, here. Text of no known form binds as
 * {@link ClientKeySpec.Unknown}, which {@link RateLimitSettingsMapper} refuses naming the
 * property, so the failure says which property is wrong rather than only which text.
 */
final class ClientKeySpecConverter implements Converter<String, ClientKeySpec> {

	@Override
	public ClientKeySpec convert(String source) {
		return ClientKeySpec.parse(source.strip());
	}

}
