package dev.tiergate.cache;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * Turns cached values into the bytes stored in L2 and back. Decoding is bound to the
 * type the cached method declares, so the bytes never choose the class that is
 * instantiated.
 *
 * @see JsonL2Codec
 */
public interface L2Codec {

	/**
	 * Encodes a value.
	 * @param value the value, {@code null} only when the cache stores nulls
	 * @param declaredType the declared type of the value
	 * @return the bytes to store
	 * @throws RuntimeException when the value cannot be encoded
	 */
	byte[] encode(@Nullable Object value, Type declaredType);

	/**
	 * Decodes bytes read from L2.
	 * @param bytes the stored bytes
	 * @param declaredType the type to bind to
	 * @return the value, {@code null} when a {@code null} was stored
	 * @throws UndecodableValueException when the bytes are corrupt, of another format
	 * version, or do not fit the declared type
	 */
	@Nullable Object decode(byte[] bytes, Type declaredType);

	/**
	 * Returns why values of a declared type could never be read back as they were
	 * written, when the type alone shows it, so that the method is refused at startup
	 * instead of at its first write. Values whose type says nothing are checked when
	 * they are first written.
	 * @param declaredType the declared type of the values
	 * @return the reason, or {@code null} when nothing in the type rules its values out
	 */
	default @Nullable String problem(Type declaredType) {
		return null;
	}

	/**
	 * Thrown when a value cannot be encoded so that decoding gives it back, for example
	 * a class whose state is in private fields without accessors. The cache keeps it in
	 * L1 only and logs the message once: it names the class, the reason and the fix,
	 * never any part of the value.
	 */
	class UnencodableValueException extends RuntimeException {

		public UnencodableValueException(String message) {
			super(message);
		}

	}

	/**
	 * Thrown when stored bytes cannot be turned into a value of the declared type. The
	 * cache treats it as a miss and overwrites the entry. Caches log its message, never
	 * its cause: the message must not quote the stored bytes or any part of the value.
	 */
	class UndecodableValueException extends RuntimeException {

		public UndecodableValueException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}
