package dev.tiergate.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * An {@link L2Store} in memory with the semantics of {@code LettuceL2Store} on one Redis
 * server (TTLs, locks held by a token, generations past the store's time, prefix
 * removals that keep lock keys), for engine tests that are about the engine rather than
 * Redis. Time comes from a {@link Ticker}, so a test can let entries expire without
 * waiting.
 */
public class InMemoryL2Store implements L2Store {

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final Ticker ticker;

	/**
	 * Creates an empty store.
	 * @param ticker the time of TTLs and generations, in nanoseconds
	 */
	public InMemoryL2Store(Ticker ticker) {
		this.ticker = ticker;
	}

	@Override
	public byte @Nullable [] get(String key) {
		Entry entry = live(key);
		return (entry != null) ? entry.value.clone() : null;
	}

	@Override
	public @Nullable Expiring getWithTtl(String key) {
		Entry entry = live(key);
		if (entry == null) {
			return null;
		}
		return new Expiring(entry.value.clone(), TimeUnit.NANOSECONDS.toMillis(entry.expiresAt - this.ticker.read()));
	}

	@Override
	public void set(String key, byte[] value, Duration ttl) {
		this.entries.put(key, new Entry(value.clone(), this.ticker.read() + ttl.toNanos()));
	}

	@Override
	public void delete(String key) {
		this.entries.remove(key);
	}

	@Override
	public boolean exists(String key) {
		return live(key) != null;
	}

	@Override
	public long generation(String key) {
		byte[] value = get(key);
		return (value != null) ? Long.parseLong(new String(value, StandardCharsets.US_ASCII)) : 0;
	}

	@Override
	public synchronized long advanceGeneration(String key, Duration ttl) {
		long next = Math.max(generation(key) + 1, TimeUnit.NANOSECONDS.toMicros(this.ticker.read()));
		set(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII), ttl);
		return next;
	}

	@Override
	public synchronized boolean tryLock(String key, String token, Duration lease) {
		if (exists(key)) {
			return false;
		}
		set(key, token.getBytes(StandardCharsets.UTF_8), lease);
		return true;
	}

	@Override
	public synchronized void unlock(String key, String token) {
		byte[] held = get(key);
		if (held != null && Arrays.equals(held, token.getBytes(StandardCharsets.UTF_8))) {
			delete(key);
		}
	}

	@Override
	public long deleteByPrefix(String keyPrefix) {
		long removed = 0;
		for (String key : this.entries.keySet()) {
			if (key.startsWith(keyPrefix) && this.entries.remove(key) != null) {
				removed++;
			}
		}
		return removed;
	}

	@Override
	public long deleteByPrefixExcept(String keyPrefix, byte[] keptValuePrefix) {
		String lockPrefix = keyPrefix + "lock:";
		long removed = 0;
		for (Map.Entry<String, Entry> entry : this.entries.entrySet()) {
			String key = entry.getKey();
			byte[] value = entry.getValue().value;
			boolean kept = value.length >= keptValuePrefix.length
					&& Arrays.equals(value, 0, keptValuePrefix.length, keptValuePrefix, 0, keptValuePrefix.length);
			if (key.startsWith(keyPrefix) && !key.startsWith(lockPrefix) && !kept
					&& this.entries.remove(key, entry.getValue())) {
				removed++;
			}
		}
		return removed;
	}

	/** How many live keys start with a prefix, for assertions. */
	long count(String keyPrefix) {
		return this.entries.keySet().stream().filter((key) -> key.startsWith(keyPrefix) && live(key) != null).count();
	}

	private @Nullable Entry live(String key) {
		Entry entry = this.entries.get(key);
		if (entry != null && this.ticker.read() - entry.expiresAt >= 0) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry;
	}

	private record Entry(byte[] value, long expiresAt) {
	}

}
