package dev.tiergate.cache;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The shared tier of one cache: encodes and decodes values, applies TTL and jitter, and
 * keeps the cache's generation.
 * <p>
 * The generation makes clearing a cache one command instead of a scan of the database:
 * every value carries the generation its writer knew, {@link #clear} moves the
 * generation on, and a value of an earlier generation reads as a miss. Values of
 * generation 0 (never cleared) carry no header, so they are the codec's bytes as they
 * are. Each instance keeps the generation it knows and forgets it when it may have missed
 * a change (another instance cleared, Redis was away); the next read or write asks Redis
 * again.
 * <p>
 * Every method reports a Redis failure as a {@link RuntimeException}, except
 * {@link #read}, which answers {@link L2Read.Unavailable}: the caller decides what a
 * failure costs.
 */
final class L2Tier {

	/** First byte of a generation header: no JSON text starts with it. */
	private static final byte HEADER = 0;

	private static final long UNKNOWN = -1;

	private final TieredCacheSettings settings;

	private final L2Store store;

	private final L2Codec codec;

	private final String generationKey;

	private final FailureLog failures;

	private final CacheStatistics statistics;

	private final Runnable onNewerGeneration;

	private volatile long generation = UNKNOWN;

	/** Moves on whenever the known generation is forgotten, so a reply that raced with that is not taken. */
	private final AtomicLong forgotten = new AtomicLong();

	/**
	 * Sent once every write and delete queued so far is sent, or {@code null} when none
	 * waits. An asynchronous write that has to fetch the generation first is sent a round
	 * trip late; what a caller does after it (an eviction of the key, another put) queues
	 * behind it, since Redis must get one caller's commands in the order they were made.
	 */
	private volatile @Nullable CompletableFuture<Void> unsent;

	L2Tier(TieredCacheSettings settings, String keyPrefix, L2Store store, L2Codec codec, FailureLog failures,
			CacheStatistics statistics, Runnable onNewerGeneration) {
		this.settings = settings;
		this.store = store;
		this.codec = codec;
		// The key prefix without its last ':' cannot be a value's key, nor match the prefix of any cache.
		this.generationKey = keyPrefix.substring(0, keyPrefix.length() - 1);
		this.failures = failures;
		this.statistics = statistics;
		this.onNewerGeneration = onNewerGeneration;
	}

	String generationKey() {
		return this.generationKey;
	}

	/**
	 * Reads and decodes a value. Undecodable bytes and values of an earlier generation are
	 * misses.
	 */
	L2Read read(String redisKey, Type valueType) {
		byte[] bytes;
		long ttlMillis = -1;
		long known;
		try {
			known = knownGeneration();
			if (this.settings.tracksFreshness()) {
				L2Store.Expiring expiring = this.store.getWithTtl(redisKey);
				bytes = (expiring != null) ? expiring.value() : null;
				ttlMillis = (expiring != null) ? expiring.ttlMillis() : -1;
			}
			else {
				bytes = this.store.get(redisKey);
			}
		}
		catch (RuntimeException ex) {
			this.failures.redisFailed(ex);
			return L2Read.UNAVAILABLE;
		}
		return answered(bytes, known, ttlMillis, valueType);
	}

	/**
	 * Reads and decodes a value as {@link #read} does, without blocking: the reply is
	 * decoded on the thread that completes it. Never completes exceptionally: a failure
	 * is {@link L2Read#UNAVAILABLE}, logged and counted as {@link #read} does.
	 */
	CompletableFuture<L2Read> readAsync(String redisKey, Type valueType) {
		long known = this.generation;
		if (known == UNKNOWN) {
			return knownGenerationAsync().thenCompose((fetched) -> readAsync(redisKey, fetched, valueType))
				.exceptionally(this::unavailable);
		}
		return readAsync(redisKey, known, valueType);
	}

	private CompletableFuture<L2Read> readAsync(String redisKey, long known, Type valueType) {
		if (this.settings.tracksFreshness()) {
			return this.store.getWithTtlAsync(redisKey).toCompletableFuture().handle((expiring, ex) -> (ex != null)
					? unavailable(ex) : answered((expiring != null) ? expiring.value() : null, known,
							(expiring != null) ? expiring.ttlMillis() : -1, valueType));
		}
		return this.store.getAsync(redisKey).toCompletableFuture().handle((bytes, ex) -> (ex != null)
				? unavailable(ex) : answered(bytes, known, -1, valueType));
	}

	private L2Read answered(byte @Nullable [] bytes, long known, long ttlMillis, Type valueType) {
		this.failures.redisAnswered();
		return decode(bytes, known, ttlMillis, valueType);
	}

	private L2Read unavailable(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		this.failures.redisFailed((cause instanceof RuntimeException runtime) ? runtime
				: new IllegalStateException(cause));
		return L2Read.UNAVAILABLE;
	}

	/**
	 * Reads and decodes several values in one round trip ({@link L2Store#getAll}), as
	 * {@link #read} would each, without their time to live: none is stale or due for a
	 * refresh.
	 */
	List<L2Read> readAll(List<String> redisKeys, Type valueType) {
		List<byte @Nullable []> values;
		long known;
		try {
			known = knownGeneration();
			values = this.store.getAll(redisKeys);
		}
		catch (RuntimeException ex) {
			this.failures.redisFailed(ex);
			return redisKeys.stream().map((key) -> (L2Read) L2Read.UNAVAILABLE).toList();
		}
		this.failures.redisAnswered();
		List<L2Read> reads = new ArrayList<>(values.size());
		for (byte[] bytes : values) {
			reads.add(decode(bytes, known, -1, valueType));
		}
		return reads;
	}

	private L2Read decode(byte @Nullable [] bytes, long known, long ttlMillis, Type valueType) {
		if (bytes == null) {
			return miss();
		}
		long written = 0;
		int payload = 0;
		if (bytes.length > 0 && bytes[0] == HEADER) {
			payload = headerLength(bytes);
			written = (payload > 0) ? parseGeneration(bytes, payload) : -1;
			if (written < 0) {
				undecodable(valueType, "its generation header is malformed");
				return miss();
			}
		}
		if (written < known) {
			return miss();
		}
		if (written > known) {
			learnNewerGeneration(written);
		}
		Object value;
		try {
			value = this.codec.decode((payload > 0) ? Arrays.copyOfRange(bytes, payload, bytes.length) : bytes,
					valueType);
		}
		catch (RuntimeException ex) {
			// Without the exception: parsers quote what they could not read, and that is cached data.
			undecodable(valueType, (ex instanceof L2Codec.UndecodableValueException) ? ex.getMessage()
					: ex.getClass().getName());
			return miss();
		}
		if (value == null && !this.settings.cacheNulls()) {
			return miss();
		}
		Object stored = (value != null) ? value : L1Tier.NULL;
		if (ttlMillis < 0) {
			this.statistics.recordL2Get(true);
			return new L2Read.Hit(stored, false);
		}
		long freshMillis = ttlMillis - this.settings.staleTtl().toMillis();
		if (freshMillis <= 0) {
			this.statistics.recordL2Get(false);
			return new L2Read.Stale(stored);
		}
		this.statistics.recordL2Get(true);
		return new L2Read.Hit(stored, freshMillis < this.settings.refreshAhead().toMillis());
	}

	/** Why values of a declared type could never come back from L2 as written, if the type shows it. */
	@Nullable String problem(Type valueType) {
		return this.codec.problem(valueType);
	}

	/**
	 * Encodes a value for {@link #write}, or returns {@code null} when it cannot be kept
	 * in L2 (not encodable, or too large), which is counted and logged.
	 */
	byte @Nullable [] encode(@Nullable Object value, Type valueType) {
		byte[] bytes;
		try {
			bytes = this.codec.encode(value, valueType);
		}
		catch (RuntimeException ex) {
			this.failures.absorb(CacheStatistics.ErrorKind.ENCODE, "A value of type " + valueType.getTypeName()
					+ " could not be encoded and is kept in L1 only (" + ex.getMessage() + ")", null);
			return null;
		}
		if (bytes.length > this.settings.maxValueBytes()) {
			this.failures.absorb(CacheStatistics.ErrorKind.TOO_LARGE, "A value of " + bytes.length + " bytes is larger than"
					+ " the largest written to Redis (" + this.settings.maxValueBytes()
					+ " bytes, tiergate.cache.max-value-size) and is kept in L1 only", null);
			return null;
		}
		return bytes;
	}

	/** Writes encoded bytes with the cache's TTL, under the generation this instance knows. */
	void write(String redisKey, byte[] encoded) {
		awaitUnsent();
		long known = knownGeneration();
		this.store.set(redisKey, withGeneration(known, encoded), ttl());
		this.failures.redisAnswered();
	}

	/**
	 * Writes encoded bytes as {@link #write} does, without blocking.
	 * @return completes once Redis holds them, exceptionally when it failed
	 */
	CompletableFuture<?> writeAsync(String redisKey, byte[] encoded) {
		long known = this.generation;
		if (known != UNKNOWN && this.unsent == null) {
			return set(redisKey, encoded, known);
		}
		return queue((reply) -> {
			long now = this.generation;
			CompletableFuture<Long> generation = (now != UNKNOWN) ? CompletableFuture.completedFuture(now)
					: knownGenerationAsync();
			return generation.<Void>handle((writtenUnder, ex) -> {
				if (ex != null) {
					reply.completeExceptionally(ex);
				}
				else {
					send(reply, () -> set(redisKey, encoded, writtenUnder));
				}
				return null;
			});
		});
	}

	private CompletableFuture<?> set(String redisKey, byte[] encoded, long writtenUnder) {
		return this.store.setAsync(redisKey, withGeneration(writtenUnder, encoded), ttl())
			.toCompletableFuture()
			.thenRun(this.failures::redisAnswered);
	}

	/** Queues a command behind those not sent yet; returns its reply. */
	private CompletableFuture<?> queue(QueuedCommand command) {
		CompletableFuture<Object> reply = new CompletableFuture<>();
		CompletableFuture<Void> sent;
		synchronized (this) {
			CompletableFuture<Void> earlier = this.unsent;
			sent = ((earlier != null) ? earlier : CompletableFuture.<Void>completedFuture(null))
				.thenCompose((earlierSent) -> command.sendWhenDue(reply))
				// Never failed, so that the commands behind it are sent.
				.exceptionally((ex) -> {
					reply.completeExceptionally(ex);
					return null;
				});
			this.unsent = sent;
		}
		sent.whenComplete((done, ex) -> {
			synchronized (this) {
				if (this.unsent == sent) {
					this.unsent = null;
				}
			}
		});
		return reply;
	}

	private static void send(CompletableFuture<Object> reply, Supplier<CompletableFuture<?>> command) {
		try {
			command.get().whenComplete((done, ex) -> {
				if (ex != null) {
					reply.completeExceptionally(ex);
				}
				else {
					reply.complete(done);
				}
			});
		}
		catch (RuntimeException ex) {
			reply.completeExceptionally(ex);
		}
	}

	/**
	 * Waits until the queued writes are sent (within the timeout of the generation's
	 * fetch), so a blocking write or delete does not overtake them.
	 */
	private void awaitUnsent() {
		CompletableFuture<Void> earlier = this.unsent;
		if (earlier != null) {
			earlier.join();
		}
	}

	private static byte[] withGeneration(long known, byte[] encoded) {
		return (known > 0 || (encoded.length > 0 && encoded[0] == HEADER)) ? withHeader(known, encoded) : encoded;
	}

	/** Writes several encoded values in one round trip, each with its own TTL. */
	void writeAll(Map<String, byte[]> encoded) {
		awaitUnsent();
		long known = knownGeneration();
		List<L2Store.Write> writes = new ArrayList<>(encoded.size());
		encoded.forEach((redisKey, bytes) -> writes.add(new L2Store.Write(redisKey, withGeneration(known, bytes), ttl())));
		this.store.setAll(writes);
		this.failures.redisAnswered();
	}

	/** Removes a key as {@link #delete} does, without blocking. */
	CompletableFuture<?> deleteAsync(String redisKey) {
		if (this.unsent == null) {
			return sendDelete(redisKey);
		}
		return queue((reply) -> {
			send(reply, () -> sendDelete(redisKey));
			return CompletableFuture.completedFuture(null);
		});
	}

	private CompletableFuture<?> sendDelete(String redisKey) {
		return this.store.deleteAsync(redisKey).toCompletableFuture().thenRun(this.failures::redisAnswered);
	}

	void delete(String redisKey) {
		awaitUnsent();
		this.store.delete(redisKey);
		this.failures.redisAnswered();
	}

	void deleteAll(Collection<String> redisKeys) {
		awaitUnsent();
		this.store.deleteAll(redisKeys);
		this.failures.redisAnswered();
	}

	/** Makes every value written so far a miss, in one command. */
	void clear() {
		// A queued write would otherwise be sent under the next generation, surviving the clear.
		awaitUnsent();
		long next = this.store.advanceGeneration(this.generationKey, generationTtl());
		this.failures.redisAnswered();
		this.forgotten.incrementAndGet();
		this.generation = next;
	}

	/**
	 * Removes the keys of earlier generations, which are misses already: only frees
	 * memory. Values of the generation this instance knows stay.
	 */
	void deleteEarlierGenerations(String keyPrefix) {
		long known = this.generation;
		if (known > 0) {
			byte[] header = withHeader(known, new byte[0]);
			this.store.deleteByPrefixExcept(keyPrefix, header);
		}
	}

	/** Forgets the generation, when a change of it may have been missed. */
	void forgetGeneration() {
		this.forgotten.incrementAndGet();
		this.generation = UNKNOWN;
	}

	private long knownGeneration() {
		long known = this.generation;
		if (known != UNKNOWN) {
			return known;
		}
		long before = this.forgotten.get();
		long fetched = this.store.generation(this.generationKey);
		remember(before, fetched);
		return fetched;
	}

	private CompletableFuture<Long> knownGenerationAsync() {
		long before = this.forgotten.get();
		return this.store.generationAsync(this.generationKey).toCompletableFuture().thenApply((fetched) -> {
			remember(before, fetched);
			return fetched;
		});
	}

	private synchronized void remember(long forgottenBefore, long fetched) {
		if (this.forgotten.get() == forgottenBefore && this.generation == UNKNOWN) {
			this.generation = fetched;
		}
	}

	private void learnNewerGeneration(long written) {
		boolean newer;
		synchronized (this) {
			newer = this.generation != UNKNOWN && written > this.generation;
			if (newer) {
				this.generation = written;
			}
		}
		if (newer) {
			// Another instance cleared the cache and this one missed the message: L1 may hold old values.
			this.onNewerGeneration.run();
		}
	}

	private L2Read miss() {
		this.statistics.recordL2Get(false);
		return L2Read.MISS;
	}

	private void undecodable(Type valueType, @Nullable String reason) {
		this.failures.absorb(CacheStatistics.ErrorKind.DECODE, "An L2 value could not be decoded as " + valueType.getTypeName()
				+ " and is treated as a miss (written by an incompatible version of the class?): " + reason, null);
	}

	/** Fresh TTL with jitter, plus the window in which the entry may still answer as stale. */
	private Duration ttl() {
		long ttl = this.settings.l2Ttl().toMillis();
		double jitter = this.settings.l2TtlJitter();
		long spread = (jitter != 0) ? (long) (ttl * jitter * ThreadLocalRandom.current().nextDouble()) : 0;
		return Duration.ofMillis(Math.max(1, ttl - spread) + this.settings.staleTtl().toMillis());
	}

	/**
	 * Outlives every value written under it: once it expired, only values written after
	 * the last clear are left, and the next clear still moves past them (by the clock).
	 */
	private Duration generationTtl() {
		return this.settings.l2Ttl().plus(this.settings.staleTtl()).multipliedBy(2);
	}

	/** {@code 0x00 'g' <decimal generation> 0x00 <payload>}. */
	private static byte[] withHeader(long generation, byte[] encoded) {
		byte[] digits = Long.toString(generation).getBytes(StandardCharsets.US_ASCII);
		byte[] bytes = new byte[digits.length + 3 + encoded.length];
		bytes[0] = HEADER;
		bytes[1] = 'g';
		System.arraycopy(digits, 0, bytes, 2, digits.length);
		bytes[digits.length + 2] = HEADER;
		System.arraycopy(encoded, 0, bytes, digits.length + 3, encoded.length);
		return bytes;
	}

	/** Returns the length of a header, or 0 if the bytes do not start with a well-formed one. */
	private static int headerLength(byte[] bytes) {
		if (bytes.length < 4 || bytes[1] != 'g') {
			return 0;
		}
		for (int i = 2; i < bytes.length && i < 22; i++) {
			if (bytes[i] == HEADER) {
				return (i > 2) ? i + 1 : 0;
			}
			if (bytes[i] < '0' || bytes[i] > '9') {
				return 0;
			}
		}
		return 0;
	}

	private static long parseGeneration(byte[] bytes, int headerLength) {
		try {
			return Long.parseLong(new String(bytes, 2, headerLength - 3, StandardCharsets.US_ASCII));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** A write or delete that waits for the ones before it to be sent. */
	@FunctionalInterface
	private interface QueuedCommand {

		/**
		 * Sends the command, its reply going to the caller.
		 * @param reply completes with Redis's answer, or exceptionally
		 * @return completes (normally, always) once the command is sent
		 */
		CompletableFuture<Void> sendWhenDue(CompletableFuture<Object> reply);

	}

}
