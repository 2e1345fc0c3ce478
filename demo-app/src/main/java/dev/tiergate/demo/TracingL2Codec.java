package dev.tiergate.demo;

import java.lang.reflect.Type;

import dev.tiergate.cache.L2Codec;
import org.jspecify.annotations.Nullable;

/**
 * An {@link L2Codec} that does what another one does and reports each decoded value to
 * the {@link CacheSourceTrace}: tiergate decodes only what Redis returned, on the thread
 * of the lookup, so a decode is how the demo learns that a request reached L2.
 */
class TracingL2Codec implements L2Codec {

	private final L2Codec delegate;

	private final CacheSourceTrace trace;

	TracingL2Codec(L2Codec delegate, CacheSourceTrace trace) {
		this.delegate = delegate;
		this.trace = trace;
	}

	@Override
	public byte[] encode(@Nullable Object value, Type declaredType) {
		return this.delegate.encode(value, declaredType);
	}

	@Override
	public @Nullable Object decode(byte[] bytes, Type declaredType) {
		Object value = this.delegate.decode(bytes, declaredType);
		this.trace.reached(CacheSource.L2);
		return value;
	}

}
