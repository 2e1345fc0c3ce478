package dev.tiergate.demo;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

/**
 * A Redis container for the tests of an application whose machines have Docker, as
 * docs/testing.md shows it: {@code @Import(RedisContainerConfiguration.class)} on a
 * {@code @SpringBootTest} points {@code spring.data.redis.*}, and so tiergate, at it.
 * Compiled with the demo's tests but imported by none of them: the machines that build
 * tiergate have no Docker, and there the tests use tiergate-test's harness instead.
 */
@TestConfiguration(proxyBeanMethods = false)
public class RedisContainerConfiguration {

	@Bean
	@ServiceConnection(name = "redis")
	GenericContainer<?> redisContainer() {
		return new GenericContainer<>(DockerImageName.parse("redis:7")).withExposedPorts(6379);
	}

}
