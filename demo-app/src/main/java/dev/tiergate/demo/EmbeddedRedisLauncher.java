package dev.tiergate.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import redis.embedded.RedisServer;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Decides which Redis the demo uses, so that it runs with nothing installed: the one
 * configured with {@code spring.data.redis.url} or {@code spring.data.redis.host} if
 * any, else the one of the {@code REDIS_URL} environment variable (as platforms such as
 * Heroku set it), else an embedded Redis server started on a free port of 127.0.0.1 and
 * stopped with the application.
 * <p>
 * Acts when the application context is prepared rather than when the environment is:
 * only then does the environment hold every property source, including those that tests
 * add with {@code @DynamicPropertySource}. That is still before the context is
 * refreshed, so before the Redis auto-configuration reads {@code spring.data.redis.*}.
 */
public class EmbeddedRedisLauncher implements ApplicationListener<ApplicationPreparedEvent> {

	/** Name of the bean of the embedded {@link RedisServer}, when one was started. */
	public static final String BEAN_NAME = "embeddedRedisServer";

	private static final String PROPERTY_SOURCE_NAME = "demoRedis";

	private static final String URL_PROPERTY = "spring.data.redis.url";

	private static final String HOST_PROPERTY = "spring.data.redis.host";

	private static final String PORT_PROPERTY = "spring.data.redis.port";

	private static final String REDIS_URL_VARIABLE = "REDIS_URL";

	private static final String LOOPBACK = "127.0.0.1";

	private static final int START_ATTEMPTS = 3;

	private static final Log logger = LogFactory.getLog(EmbeddedRedisLauncher.class);

	@Override
	public void onApplicationEvent(ApplicationPreparedEvent event) {
		ConfigurableApplicationContext context = event.getApplicationContext();
		ConfigurableEnvironment environment = context.getEnvironment();
		String url = environment.getProperty(URL_PROPERTY);
		String host = environment.getProperty(HOST_PROPERTY);
		if (StringUtils.hasText(url)) {
			logger.info("Using Redis at " + withoutCredentials(url) + " (" + URL_PROPERTY + ")");
			return;
		}
		if (StringUtils.hasText(host)) {
			logger.info("Using Redis at " + host + ":" + environment.getProperty(PORT_PROPERTY, "6379") + " ("
					+ HOST_PROPERTY + ")");
			return;
		}
		String redisUrl = environment.getProperty(REDIS_URL_VARIABLE);
		if (StringUtils.hasText(redisUrl)) {
			setUrl(environment, redisUrl);
			logger.info("Using Redis at " + withoutCredentials(redisUrl) + " (" + REDIS_URL_VARIABLE + ")");
			return;
		}
		RedisServer server = startEmbeddedRedis();
		String embeddedUrl = "redis://" + LOOPBACK + ":" + server.ports().get(0);
		registerForShutdown(context.getBeanFactory(), server);
		setUrl(environment, embeddedUrl);
		logger.info("Using embedded Redis started at " + embeddedUrl + " (no " + URL_PROPERTY + ", " + HOST_PROPERTY
				+ " or " + REDIS_URL_VARIABLE + " set)");
	}

	private static void setUrl(ConfigurableEnvironment environment, String url) {
		// Last, so that it never overrides what the application configured.
		MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(URL_PROPERTY, url));
		environment.getPropertySources().addLast(source);
	}

	private static RedisServer startEmbeddedRedis() {
		IOException failure = null;
		// The free port may be taken by someone else before Redis binds it: try another.
		for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
			try {
				RedisServer server = RedisServer.newRedisServer()
					.bind(LOOPBACK)
					.port(freePort())
					// An in-memory demo: no snapshots written to disk.
					.setting("save \"\"")
					.setting("appendonly no")
					// Redis blocks once the pipes of its output are full: keep reading them.
					.soutListener(logger::trace)
					.serrListener(logger::trace)
					.build();
				server.start();
				return server;
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		throw new IllegalStateException("Could not start an embedded Redis server; set " + URL_PROPERTY + " or "
				+ REDIS_URL_VARIABLE + " to use another Redis", failure);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
			return socket.getLocalPort();
		}
	}

	private static void registerForShutdown(ConfigurableListableBeanFactory beanFactory, RedisServer server) {
		beanFactory.registerSingleton(BEAN_NAME, server);
		// Registered before any other bean, so destroyed after all of them: Redis outlives
		// its clients. Should the registry be another kind, embedded-redis's own JVM
		// shutdown hook still stops the server.
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(BEAN_NAME, server::stop);
		}
	}

	private static String withoutCredentials(String url) {
		try {
			URI uri = URI.create(url);
			if (uri.getUserInfo() == null) {
				return url;
			}
			return uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "");
		}
		catch (IllegalArgumentException ex) {
			return "a URL that is not valid";
		}
	}

}
