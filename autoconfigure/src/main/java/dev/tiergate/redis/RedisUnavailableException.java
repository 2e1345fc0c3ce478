package dev.tiergate.redis;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when tiergate has no connection to Redis. Callers of tiergate never see it: the
 * cache absorbs it as an L2 failure.
 */
public class RedisUnavailableException extends RuntimeException {

	public RedisUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	RedisUnavailableException(String message, @Nullable Throwable cause, boolean writableStackTrace) {
		super(message, cause, false, writableStackTrace);
	}

}
