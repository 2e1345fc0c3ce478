package dev.tiergate.cache.spring;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Single flight for Spring's {@code @Cacheable} without {@code sync}: Spring then looks a
 * key up, invokes the method on a miss and puts its result, three calls the cache cannot
 * join into one. The first caller that misses a key inside a {@link CachedCallScope}
 * owns the key's flight; the others of this JVM wait for its put, at most the cache's
 * {@code lock-wait}, and read the value from L1. The flight ends at the owner's put, or
 * when its call ends without one (the method threw, {@code unless} vetoed the result):
 * the waiters then invoke the method themselves, as without single flight.
 */
final class MissFlights {

	private final ConcurrentMap<Object, Flight> flights = new ConcurrentHashMap<>();

	private final Duration wait;

	MissFlights(Duration wait) {
		this.wait = wait;
	}

	/**
	 * Takes the flight of a key that missed, or waits for the caller that has it.
	 * @return whether the caller waited for another's flight (and should look again)
	 */
	boolean takeOrAwait(Object key) {
		CachedCallScope scope = CachedCallScope.current();
		if (scope == null) {
			return false;
		}
		Flight mine = new Flight(this, key);
		Flight other = this.flights.putIfAbsent(key, mine);
		if (other == null) {
			scope.own(mine);
			return false;
		}
		if (other.owner == Thread.currentThread()) {
			return false;
		}
		other.await(this.wait);
		return true;
	}

	/** Ends the flight of a key that the current thread owns, once its value is stored. */
	void land(Object key) {
		Flight flight = this.flights.get(key);
		if (flight != null && flight.owner == Thread.currentThread()) {
			flight.end();
		}
	}

	/** The flight of one key, owned by the thread whose call misses it first. */
	static final class Flight {

		private final MissFlights flights;

		private final Object key;

		private final Thread owner = Thread.currentThread();

		private final CountDownLatch landed = new CountDownLatch(1);

		Flight(MissFlights flights, Object key) {
			this.flights = flights;
			this.key = key;
		}

		void end() {
			this.flights.flights.remove(this.key, this);
			this.landed.countDown();
		}

		private void await(Duration wait) {
			try {
				this.landed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
