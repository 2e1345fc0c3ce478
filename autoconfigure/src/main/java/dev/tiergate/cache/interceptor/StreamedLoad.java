package dev.tiergate.cache.interceptor;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * One subscription to a cached {@code Flux} that missed L1. When this subscription runs
 * the key's load, its subscriber gets each element as the method produces it (a streamed
 * answer stays a stream) while the elements are collected for the cache; when it joined
 * another subscription's load or found the value in L2, it gets the list once there.
 * Leaving (a client's disconnect) cancels the method's stream and nothing is cached; the
 * subscriptions that had joined that load start one of their own.
 */
final class StreamedLoad {

	/** Marks a subscription answered by a value it did not load. */
	private static final CompletableFuture<List<Object>> ANSWERED = new CompletableFuture<>();

	private static final Retry AFTER_LEADER_LEFT = Retry.indefinitely().filter(LeaderLeft.class::isInstance);

	private final Supplier<@Nullable Object> invocation;

	private final Sinks.Many<Object> elements = Sinks.many().unicast().onBackpressureBuffer();

	/** This subscription's own load of the method's elements, or {@link #ANSWERED}. */
	private final AtomicReference<@Nullable CompletableFuture<List<Object>>> own = new AtomicReference<>();

	private final Disposable.Swap source = Disposables.swap();

	private volatile boolean streamed;

	private StreamedLoad(Supplier<@Nullable Object> invocation) {
		this.invocation = invocation;
	}

	/**
	 * Returns the elements for a key, each subscription joining or starting its load.
	 * @param flight joins or starts the key's load, given the loader to start it with, and
	 * completes with the list of elements
	 * @param invocation invokes the method
	 * @return the elements
	 */
	static Flux<Object> elements(Function<Supplier<? extends CompletionStage<?>>, ? extends CompletionStage<?>> flight,
			Supplier<@Nullable Object> invocation) {
		return Flux.defer(() -> new StreamedLoad(invocation).join(flight)).retryWhen(AFTER_LEADER_LEFT);
	}

	private Flux<Object> join(Function<Supplier<? extends CompletionStage<?>>, ? extends CompletionStage<?>> flight) {
		flight.apply(this::load).whenComplete(this::answer);
		return this.elements.asFlux().doOnCancel(this::leave);
	}

	private CompletionStage<List<Object>> load() {
		CompletableFuture<List<Object>> list = new CompletableFuture<>();
		if (!this.own.compareAndSet(null, list)) {
			// Already answered: a background reload (refresh-ahead) of a value this subscription got.
			return ReactorReturn.flux(this.invocation.get()).cast(Object.class).collectList().toFuture();
		}
		Object result;
		try {
			result = this.invocation.get();
		}
		catch (RuntimeException ex) {
			list.completeExceptionally(ex);
			return list;
		}
		this.source.update(ReactorReturn.flux(result)
			.cast(Object.class)
			.doOnNext(this::stream)
			.collectList()
			.subscribe(list::complete, list::completeExceptionally));
		return list;
	}

	private void stream(Object element) {
		this.streamed = true;
		this.elements.tryEmitNext(element);
	}

	private void answer(@Nullable Object value, @Nullable Throwable failure) {
		if (this.own.compareAndSet(null, ANSWERED)) {
			if (failure != null) {
				this.elements.tryEmitError(unwrap(failure));
				return;
			}
			if (value != null) {
				((List<?>) value).forEach(this.elements::tryEmitNext);
			}
			this.elements.tryEmitComplete();
			return;
		}
		CompletableFuture<List<Object>> load = this.own.get();
		if (load != null) {
			load.whenComplete((list, loadFailure) -> {
				if (loadFailure == null) {
					this.elements.tryEmitComplete();
				}
				else if (!this.streamed && failure == null && value != null) {
					// The method failed before its first element and the cache answered with a stale value.
					((List<?>) value).forEach(this.elements::tryEmitNext);
					this.elements.tryEmitComplete();
				}
				else {
					this.elements.tryEmitError(unwrap(loadFailure));
				}
			});
		}
	}

	private void leave() {
		CompletableFuture<List<Object>> load = this.own.get();
		if (load != null && load != ANSWERED) {
			this.source.dispose();
			load.completeExceptionally(new LeaderLeft());
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/** What the subscriptions that joined a load hear when the subscription streaming it left. */
	static final class LeaderLeft extends CancellationException {

		private static final long serialVersionUID = 1L;

		LeaderLeft() {
			super("The subscriber the method's elements were streamed to left before they were complete");
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}

	}

}
