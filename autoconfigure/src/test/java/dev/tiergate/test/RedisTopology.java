package dev.tiergate.test;

import java.util.Map;

/**
 * A Redis for tests as an application sees it: the {@code spring.data.redis.*}
 * properties that point at it, whatever its shape (one server, a Cluster, a Sentinel
 * group), and a probe that looks at what tiergate left there. A test suite written
 * against this interface runs unchanged on every topology.
 */
public interface RedisTopology {

	/**
	 * Returns the Spring Boot properties that connect an application to this Redis.
	 * @return property names and values, for example {@code spring.data.redis.url}
	 */
	Map<String, String> springProperties();

	/**
	 * Opens a probe on this Redis, which the caller must close.
	 * @return the probe
	 */
	RedisProbe probe();

	/**
	 * Returns the properties of {@link #springProperties()} as {@code name=value}
	 * strings, for {@code SpringApplicationBuilder.properties(...)}.
	 * @return the properties
	 */
	default String[] springPropertyArguments() {
		return springProperties().entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	/**
	 * Returns one standalone server as a topology.
	 * @param endpoint the server
	 * @return the topology, connected with {@code spring.data.redis.url}
	 */
	static RedisTopology standalone(RedisEndpoint endpoint) {
		return new RedisTopology() {

			@Override
			public Map<String, String> springProperties() {
				return Map.of("spring.data.redis.url", endpoint.uri());
			}

			@Override
			public RedisProbe probe() {
				return new RedisProbe(endpoint);
			}

			@Override
			public String toString() {
				return "Redis at " + endpoint;
			}

		};
	}

}
