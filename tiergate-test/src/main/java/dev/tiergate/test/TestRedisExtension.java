package dev.tiergate.test;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives JUnit Jupiter tests the {@linkplain TestRedis#shared() shared} Redis: a parameter
 * of type {@link RedisEndpoint}, of a test method, a lifecycle method or the
 * constructor, receives it.
 * <pre>{@code
 * @ExtendWith(TestRedisExtension.class)
 * class OrdersRepositoryTests {
 *
 *     @Test
 *     void storesAnOrder(RedisEndpoint redis) {
 *         RedisClient client = RedisClient.create(redis.uri());
 *         ...
 *     }
 *
 * }
 * }</pre>
 * A Spring test gets the URL with {@link TestRedis#url()} instead, in a
 * {@code @DynamicPropertySource} method.
 */
public final class TestRedisExtension implements ParameterResolver {

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisEndpoint.class;
	}

	@Override
	public RedisEndpoint resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		// Fails the test, saying what was tried, when no Redis can be had: a Redis test never skips.
		return TestRedis.shared();
	}

}
