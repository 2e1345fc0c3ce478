package dev.tiergate.ratelimit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The token-bucket Lua script ({@code token-bucket.lua} beside this class), sent as
 * {@code EVALSHA}: one command and one round trip per check. A server that does not have
 * the script yet (first use, restart, failover, {@code SCRIPT FLUSH}) answers
 * {@code NOSCRIPT}; the check is then sent again as {@code EVAL}, which also caches it
 * there. The concurrency-lease script ({@code concurrency-lease.lua}) is sent the same
 * way.
 */
final class TokenBucketScript {

	private static final String RESOURCE = "token-bucket.lua";

	private final byte[] source;

	private final String sha1;

	private TokenBucketScript(byte[] source) {
		this.source = source;
		this.sha1 = sha1(source);
	}

	/**
	 * Loads the script from the class path.
	 * @return the script
	 */
	static TokenBucketScript load() {
		return load(RESOURCE);
	}

	/**
	 * Loads another script of this package that replies with integers, sent the same way.
	 * @param resource the script's file name beside this class
	 * @return the script
	 */
	static TokenBucketScript load(String resource) {
		try (InputStream in = TokenBucketScript.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException(resource + " is missing beside " + TokenBucketScript.class.getName());
			}
			return new TokenBucketScript(in.readAllBytes());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + resource, ex);
		}
	}

	/**
	 * Returns the SHA-1 digest that {@code EVALSHA} names the script by.
	 * @return the digest, in lower-case hex
	 */
	String sha1() {
		return this.sha1;
	}

	/**
	 * Runs the script.
	 * @param commands the commands of a connection
	 * @param key the bucket key
	 * @param arguments the arguments, as the script documents them
	 * @return the reply: integers, as the script documents them
	 */
	CompletionStage<List<Long>> run(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key,
			byte[][] arguments) {
		byte[][] keys = { key };
		CompletionStage<List<Long>> reply = commands.evalsha(this.sha1, ScriptOutputType.MULTI, keys, arguments);
		return reply.exceptionallyCompose((ex) -> {
			Throwable cause = (ex instanceof CompletionException) ? ex.getCause() : ex;
			if (cause instanceof RedisNoScriptException) {
				return commands.eval(this.source, ScriptOutputType.MULTI, keys, arguments);
			}
			return CompletableFuture.failedStage(cause);
		});
	}

	private static String sha1(byte[] source) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-1", ex);
		}
	}

	@Override
	public String toString() {
		return "TokenBucketScript[" + this.sha1 + ", " + new String(this.source, StandardCharsets.UTF_8).lines().count()
				+ " lines]";
	}

}
