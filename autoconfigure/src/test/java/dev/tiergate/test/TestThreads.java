package dev.tiergate.test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The threads tests use for concurrent callers (single flight, lock waits, L2 loads, bucket
 * checks): virtual threads when the test JVM runs with
 * {@code spring.threads.virtual.enabled=true} (the virtual-thread run of
 * {@code autoconfigure/pom.xml}, on a JDK 21+), platform threads otherwise. The sources are
 * compiled for Java 17, so virtual threads are reached through a method handle.
 */
public final class TestThreads {

	/** The property Spring Boot reads, so one switch turns both the applications and the test callers virtual. */
	public static final String VIRTUAL_PROPERTY = "spring.threads.virtual.enabled";

	private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

	private TestThreads() {
	}

	/**
	 * Whether this JVM runs the tests' callers on virtual threads.
	 * @return {@code true} when {@code spring.threads.virtual.enabled} is {@code true}
	 */
	public static boolean virtual() {
		return Boolean.getBoolean(VIRTUAL_PROPERTY);
	}

	/**
	 * A pool of {@code size} threads, virtual ones in the virtual-thread run.
	 * @param size the number of threads
	 * @return the pool, to shut down
	 */
	public static ExecutorService pool(int size) {
		return Executors.newFixedThreadPool(size, factory("test-caller-"));
	}

	/**
	 * An executor that starts a thread of its own for each task, virtual in the
	 * virtual-thread run: for {@code CompletableFuture.supplyAsync(task, TestThreads.perTask())}.
	 * @return the executor, with nothing to shut down
	 */
	public static Executor perTask() {
		ThreadFactory threads = factory("test-task-");
		return (task) -> threads.newThread(task).start();
	}

	/**
	 * A factory of threads named {@code prefix} and a number.
	 * @param prefix the start of each name
	 * @return virtual threads in the virtual-thread run, platform threads otherwise
	 */
	public static ThreadFactory factory(String prefix) {
		return virtual() ? virtualFactory(prefix) : platformFactory(prefix);
	}

	/**
	 * A factory of virtual threads, whatever the property says.
	 * @param prefix the start of each name
	 * @return the factory
	 * @throws IllegalStateException on a JDK without virtual threads (before 21)
	 */
	public static ThreadFactory virtualFactory(String prefix) {
		try {
			// Thread.ofVirtual().name(prefix, 0).factory()
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			Object named = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
			return (ThreadFactory) builderType.getMethod("factory").invoke(named);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Virtual threads need a JDK 21 or later; this is "
					+ System.getProperty("java.version"), ex);
		}
	}

	/**
	 * Whether a thread is virtual.
	 * @param thread the thread
	 * @return {@code true} for a virtual thread; always {@code false} before JDK 21
	 */
	public static boolean isVirtual(Thread thread) {
		if (IS_VIRTUAL == null) {
			return false;
		}
		try {
			return (boolean) IS_VIRTUAL.invokeExact(thread);
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ThreadFactory platformFactory(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + count.getAndIncrement());
			thread.setDaemon(true);
			return thread;
		};
	}

	private static @Nullable MethodHandle isVirtualHandle() {
		try {
			return MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (NoSuchMethodException | IllegalAccessException ex) {
			return null;
		}
	}

}
