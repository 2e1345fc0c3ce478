package dev.tiergate.cache.interceptor;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactor is optional: without it on the classpath, the asynchronous return types load
 * and still recognise futures.
 */
class AsyncReturnWithoutReactorTests {

	@Test
	void withoutReactorFuturesAreRecognisedAndNothingOfReactorIsLoaded() throws Exception {
		URL classes = AsyncReturn.class.getProtectionDomain().getCodeSource().getLocation();
		try (WithoutReactor loader = new WithoutReactor(classes, getClass().getClassLoader())) {
			Class<?> asyncReturn = loader.loadClass(AsyncReturn.class.getName());
			assertThat(asyncReturn.getClassLoader()).isSameAs(loader);
			java.lang.reflect.Field present = asyncReturn.getField("REACTOR_PRESENT");
			present.setAccessible(true);
			assertThat(present.getBoolean(null)).isFalse();
			Method of = asyncReturn.getMethod("of", Class.class);
			of.setAccessible(true);
			assertThat(of.invoke(null, CompletableFuture.class)).isNotNull();
			assertThat(of.invoke(null, CompletionStage.class)).isNotNull();
			assertThat(of.invoke(null, Mono.class)).isNull();
			assertThat(loader.askedForReactor).as("classes of Reactor that were asked for, and refused").isNotEmpty();
		}
	}

	/** Loads tiergate's interceptor classes itself and refuses every class of Reactor. */
	private static final class WithoutReactor extends URLClassLoader {

		private final java.util.Set<String> askedForReactor = java.util.concurrent.ConcurrentHashMap.newKeySet();

		WithoutReactor(URL classes, ClassLoader parent) {
			super(new URL[] { classes }, parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (name.startsWith("reactor.")) {
				this.askedForReactor.add(name);
				throw new ClassNotFoundException(name);
			}
			if (!name.startsWith(AsyncReturn.class.getPackageName() + ".")) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				return (loaded != null) ? loaded : findClass(name);
			}
		}

	}

}
