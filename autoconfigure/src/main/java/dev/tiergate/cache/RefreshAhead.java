package dev.tiergate.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Reloads entries that are about to expire ({@code refresh-ahead}) in the background, one
 * reload per key at a time; a reload the executor cannot take is dropped, since it is only
 * an optimisation.
 */
final class RefreshAhead {

	private final Executor executor;

	private final Set<Object> refreshing = ConcurrentHashMap.newKeySet();

	RefreshAhead(Executor executor) {
		this.executor = executor;
	}

	void refresh(Object key, Runnable reload) {
		if (!this.refreshing.add(key)) {
			return;
		}
		try {
			this.executor.execute(() -> {
				try {
					reload.run();
				}
				finally {
					this.refreshing.remove(key);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.refreshing.remove(key);
		}
	}

}
