package dev.tiergate.autoconfigure.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * tiergate's own Lettuce client, built from the application's
 * {@link LettuceConnectionFactory} (so from {@code spring.data.redis.*}: the same
 * servers, topology, credentials and TLS) but with options that suit a cache in front of
 * a slow backend, and without changing the application's own connections:
 * <ul>
 * <li>commands are rejected, not queued, while disconnected, and the request queue is
 * bounded;</li>
 * <li>every command times out after {@code tiergate.redis.timeout};</li>
 * <li>TCP keepalive, and a TCP user timeout where a native transport (epoll or io_uring)
 * is on the class path, detect half-open sockets; the command timeout and the circuit
 * breaker bound what they do not catch;</li>
 * <li>reconnect attempts back off to at most one second, so recovery is noticed quickly;</li>
 * <li>on a Redis Cluster, the topology is refreshed adaptively (on redirects, unknown
 * nodes, uncovered slots and repeated reconnects, at most once a second) and
 * periodically ({@code spring.data.redis.lettuce.cluster.refresh.period}, else every
 * {@value #DEFAULT_REFRESH_SECONDS} seconds), so that a promoted replica is used within
 * seconds of a failover instead of commands failing until a restart. Sentinel needs
 * nothing of the kind: Lettuce asks the Sentinels for the master at every
 * reconnect.</li>
 * </ul>
 */
final class TiergateLettuceClient implements AutoCloseable {

	private static final int REQUEST_QUEUE_SIZE = 10_000;

	/**
	 * How long opening a connection may take, handshake (TLS, {@code HELLO}, {@code AUTH})
	 * included. Lettuce bounds the handshake by the URI's timeout rather than the command
	 * timeout; connections are opened in the background, so no caller waits this long, and a
	 * 100ms bound would turn a slow handshake on a busy host into a spurious fallback.
	 */
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private static final int DEFAULT_REFRESH_SECONDS = 10;

	private static final Duration ADAPTIVE_REFRESH_INTERVAL = Duration.ofSeconds(1);

	private final ClientResources resources;

	private final LettuceConnectionFactory factory;

	TiergateLettuceClient(LettuceConnectionFactory application, Duration timeout) {
		this.resources = ClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
			.build();
		LettuceClientConfiguration applicationClient = application.getClientConfiguration();
		LettuceClientConfigurationBuilder builder = LettuceClientConfiguration.builder();
		if (applicationClient.isUseSsl()) {
			var ssl = builder.useSsl().verifyPeer(applicationClient.getVerifyMode());
			if (applicationClient.isStartTls()) {
				ssl.startTls();
			}
			builder = ssl.and();
		}
		applicationClient.getClientName().ifPresent(builder::clientName);
		applicationClient.getRedisCredentialsProviderFactory().ifPresent(builder::redisCredentialsProviderFactory);
		RedisClusterConfiguration cluster = application.getClusterConfiguration();
		builder.clientOptions(clientOptions(applicationClient, cluster != null, timeout))
			.clientResources(this.resources)
			// The URI's timeout, used by the handshake; commands use the TimeoutOptions below.
			.commandTimeout(max(timeout, CONNECT_TIMEOUT))
			.shutdownTimeout(Duration.ZERO);
		LettuceClientConfiguration configuration = builder.build();
		RedisSentinelConfiguration sentinel = application.getSentinelConfiguration();
		if (cluster != null) {
			this.factory = new LettuceConnectionFactory(cluster, configuration);
		}
		else if (sentinel != null) {
			this.factory = new LettuceConnectionFactory(sentinel, configuration);
		}
		else {
			this.factory = new LettuceConnectionFactory(application.getStandaloneConfiguration(), configuration);
		}
		this.factory.afterPropertiesSet();
		this.factory.start();
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	AbstractRedisClient client() {
		return this.factory.getRequiredNativeClient();
	}

	private static ClientOptions clientOptions(LettuceClientConfiguration applicationClient, boolean cluster,
			Duration timeout) {
		ClientOptions base = applicationClient.getClientOptions()
			.orElseGet(() -> cluster ? ClusterClientOptions.create() : ClientOptions.create());
		SocketOptions.Builder socket = SocketOptions.builder()
			.connectTimeout(base.getSocketOptions().getConnectTimeout())
			.tcpNoDelay(true)
			.keepAlive(SocketOptions.KeepAliveOptions.builder()
				.enable()
				.idle(Duration.ofSeconds(5))
				.interval(Duration.ofSeconds(1))
				.count(3)
				.build());
		if (EpollProvider.isAvailable() || IOUringProvider.isAvailable()) {
			// Lettuce refuses to connect with this option on the plain NIO transport.
			socket.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
				.enable()
				.tcpUserTimeout(Duration.ofSeconds(5))
				.build());
		}
		// mutate() keeps what Spring Boot set, such as the SSL bundle.
		ClientOptions.Builder options = (base instanceof ClusterClientOptions clusterOptions) ? clusterOptions.mutate()
			.topologyRefreshOptions(topologyRefresh(clusterOptions.getTopologyRefreshOptions())) : base.mutate();
		return options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.requestQueueSize(REQUEST_QUEUE_SIZE)
			.autoReconnect(true)
			.socketOptions(socket.build())
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.build();
	}

	private static ClusterTopologyRefreshOptions topologyRefresh(ClusterTopologyRefreshOptions configured) {
		// Boot leaves both off unless spring.data.redis.lettuce.cluster.refresh.* says otherwise; a cache
		// that falls back while a slot has no reachable master needs them on to come back without a restart.
		Duration period = configured.isPeriodicRefreshEnabled() ? configured.getRefreshPeriod()
				: Duration.ofSeconds(DEFAULT_REFRESH_SECONDS);
		return ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(period)
			.enableAllAdaptiveRefreshTriggers()
			.adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_INTERVAL)
			.dynamicRefreshSources(configured.useDynamicRefreshSources())
			.closeStaleConnections(configured.isCloseStaleConnections())
			.build();
	}

	@Override
	public void close() {
		this.factory.destroy();
		this.resources.shutdown(0, 1, TimeUnit.SECONDS);
	}

}
