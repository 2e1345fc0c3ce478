package dev.tiergate.cache;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Lets one instance at a time call the method for a missing key ({@code lock: true}): a
 * lease in Redis ({@code SET NX PX}) per key. The others poll L2 for the holder's value
 * and stop waiting as soon as the value is there, the lease is gone (the holder stored
 * nothing) or the wait is over; then they load themselves. Without Redis there is nobody
 * to coordinate with, so a failed lock command means "load here".
 */
final class CrossInstanceLock {

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final L2Store store;

	private final Duration lease;

	private final Duration wait;

	private final Ticker ticker;

	private final FailureLog failures;

	private final String token = UUID.randomUUID().toString();

	CrossInstanceLock(L2Store store, Duration lease, Duration wait, Ticker ticker, FailureLog failures) {
		this.store = store;
		this.lease = lease;
		this.wait = wait;
		this.ticker = ticker;
		this.failures = failures;
	}

	Acquisition acquire(String lockKey) {
		try {
			return this.store.tryLock(lockKey, this.token, this.lease) ? Acquisition.ACQUIRED
					: Acquisition.HELD_ELSEWHERE;
		}
		catch (RuntimeException ex) {
			this.failures.redisFailed(ex);
			return Acquisition.UNAVAILABLE;
		}
	}

	void release(String lockKey) {
		try {
			this.store.unlock(lockKey, this.token);
		}
		catch (RuntimeException ex) {
			// The lease expires by itself.
			this.failures.redisFailed(ex);
		}
	}

	/**
	 * Waits for the holder's value: a {@link L2Read.Hit}, or what tells the caller to load
	 * itself ({@link L2Read#MISS} once the lease is gone or the wait is over,
	 * {@link L2Read#UNAVAILABLE} when Redis failed).
	 */
	L2Read awaitHolder(String redisKey, String lockKey, Type valueType, L2Tier l2) {
		long deadline = this.ticker.read() + this.wait.toNanos();
		while (this.ticker.read() - deadline < 0) {
			LockSupport.parkNanos(POLL_NANOS);
			if (Thread.interrupted()) {
				Thread.currentThread().interrupt();
				return L2Read.MISS;
			}
			L2Read read = l2.read(redisKey, valueType);
			if (read instanceof L2Read.Hit || read == L2Read.UNAVAILABLE) {
				return read;
			}
			try {
				if (!this.store.exists(lockKey)) {
					// The holder may have stored its value and let go since the read above.
					L2Read last = l2.read(redisKey, valueType);
					return (last instanceof L2Read.Hit || last == L2Read.UNAVAILABLE) ? last : L2Read.MISS;
				}
			}
			catch (RuntimeException ex) {
				this.failures.redisFailed(ex);
				return L2Read.UNAVAILABLE;
			}
		}
		return L2Read.MISS;
	}

	/** Takes the lease as {@link #acquire} does, without blocking. */
	CompletableFuture<Acquisition> acquireAsync(String lockKey) {
		return this.store.tryLockAsync(lockKey, this.token, this.lease).toCompletableFuture().handle((taken, ex) -> {
			if (ex != null) {
				this.failures.redisFailed(unwrapped(ex));
				return Acquisition.UNAVAILABLE;
			}
			return Boolean.TRUE.equals(taken) ? Acquisition.ACQUIRED : Acquisition.HELD_ELSEWHERE;
		});
	}

	/** Gives the lease back without waiting; one that cannot be given back expires by itself. */
	void releaseAsync(String lockKey) {
		this.store.unlockAsync(lockKey, this.token).whenComplete((released, ex) -> {
			if (ex != null) {
				this.failures.redisFailed(unwrapped(ex));
			}
		});
	}

	/**
	 * Waits for the holder's value as {@link #awaitHolder} does, without blocking: each
	 * poll is scheduled on an executor after the poll interval, and its reads are
	 * asynchronous.
	 * @param executor where the polls start, never Redis' I/O thread
	 */
	CompletableFuture<L2Read> awaitHolderAsync(String redisKey, String lockKey, Type valueType, L2Tier l2,
			Executor executor) {
		CompletableFuture<L2Read> awaited = new CompletableFuture<>();
		poll(awaited, this.ticker.read() + this.wait.toNanos(), redisKey, lockKey, valueType, l2, executor);
		return awaited;
	}

	private void poll(CompletableFuture<L2Read> awaited, long deadline, String redisKey, String lockKey,
			Type valueType, L2Tier l2, Executor executor) {
		if (this.ticker.read() - deadline >= 0) {
			awaited.complete(L2Read.MISS);
			return;
		}
		Executor later = CompletableFuture.delayedExecutor(POLL_NANOS, TimeUnit.NANOSECONDS, executor);
		CompletableFuture.runAsync(() -> { }, later)
			.thenCompose((ignored) -> l2.readAsync(redisKey, valueType))
			.thenCompose((read) -> (read instanceof L2Read.Hit || read == L2Read.UNAVAILABLE)
					? CompletableFuture.completedFuture(Optional.of(read)) : afterMiss(redisKey, lockKey, valueType, l2))
			.whenComplete((read, ex) -> {
				if (ex != null) {
					this.failures.redisFailed(unwrapped(ex));
					awaited.complete(L2Read.UNAVAILABLE);
				}
				else if (read.isPresent()) {
					awaited.complete(read.get());
				}
				else {
					poll(awaited, deadline, redisKey, lockKey, valueType, l2, executor);
				}
			});
	}

	/** After a poll that missed: the answer once the lease is gone, nothing while it is held. */
	private CompletableFuture<Optional<L2Read>> afterMiss(String redisKey, String lockKey, Type valueType,
			L2Tier l2) {
		return this.store.existsAsync(lockKey).toCompletableFuture().handle((held, ex) -> {
			if (ex != null) {
				this.failures.redisFailed(unwrapped(ex));
				return CompletableFuture.completedFuture(Optional.of(L2Read.UNAVAILABLE));
			}
			if (Boolean.TRUE.equals(held)) {
				return CompletableFuture.completedFuture(Optional.<L2Read>empty());
			}
			// The holder may have stored its value and let go since the read before.
			return l2.readAsync(redisKey, valueType)
				.thenApply((last) -> Optional.of((last instanceof L2Read.Hit || last == L2Read.UNAVAILABLE) ? last
						: L2Read.MISS));
		}).thenCompose((next) -> next);
	}

	private static RuntimeException unwrapped(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		return (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
	}

	enum Acquisition {

		ACQUIRED, HELD_ELSEWHERE, UNAVAILABLE

	}

}
