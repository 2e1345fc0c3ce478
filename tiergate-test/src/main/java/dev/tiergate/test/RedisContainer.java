package dev.tiergate.test;

import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts the shared Redis in a container. Kept apart from {@link TestRedis} so that
 * Testcontainers is loaded only when it is tried: a module whose tests lack it still gets
 * a local Redis.
 */
final class RedisContainer {

	static final String IMAGE = "redis:7";

	private static final int REDIS_PORT = 6379;

	private RedisContainer() {
	}

	/**
	 * Starts a {@value #IMAGE} container, stopped when the JVM exits, when Docker is
	 * available.
	 * @return the endpoint of the container, or {@code null} when Docker is not available
	 */
	static @Nullable RedisEndpoint startIfDockerAvailable() {
		if (!DockerClientFactory.instance().isDockerAvailable()) {
			return null;
		}
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
			.withExposedPorts(REDIS_PORT)
			.withCommand("redis-server", "--save", "", "--appendonly", "no");
		container.start();
		Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "tiergate-redis-container-stop"));
		return new RedisEndpoint(container.getHost(), container.getMappedPort(REDIS_PORT));
	}

}
