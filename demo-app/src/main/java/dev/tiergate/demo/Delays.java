package dev.tiergate.demo;

import java.time.Duration;

/**
 * The simulated slowness of the demo's backends.
 */
final class Delays {

	private Delays() {
	}

	/**
	 * Blocks the calling thread, as a call to a slow backend would.
	 * @param delay how long
	 */
	static void pause(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
