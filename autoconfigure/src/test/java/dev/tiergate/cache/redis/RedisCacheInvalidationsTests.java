package dev.tiergate.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tiergate.cache.redis.RedisCacheInvalidations.Settings;
import dev.tiergate.cache.redis.RedisCacheInvalidations.Subscription.State;
import dev.tiergate.redis.GuardedRedis;
import dev.tiergate.redis.GuardedRedis.BreakerSettings;
import dev.tiergate.redis.RedisConnector;
import dev.tiergate.redis.RedisHealthState;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The invalidation subscription against a private Redis: a refused {@code SUBSCRIBE}
 * (an ACL without the channel, the default for new users from Redis 7 on) leaks no
 * connection, is retried with capped, jittered exponential backoff and shows in
 * {@link RedisCacheInvalidations#subscription()}; a re-subscription after a reconnect is
 * verified the same way; the subscription coming back runs the resubscription actions
 * (tiergate clears L1 there).
 */
class RedisCacheInvalidationsTests {

	private static final Settings FAST_RETRIES = new Settings(Duration.ofMillis(100), Duration.ofSeconds(1),
			Duration.ZERO);

	private final String namespace = "inv-" + UUID.randomUUID();

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	private final List<String> received = new CopyOnWriteArrayList<>();

	private final AtomicInteger resubscriptions = new AtomicInteger();

	private RedisProcess redis;

	private RedisClient client;

	private RedisHealthState state;

	private GuardedRedis guarded;

	@AfterEach
	void closeEverything() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void aSubscribeRefusedByTheAclLeaksNoConnectionOverSeveralRetries() {
		startRedisWithUser("resetchannels");
		RedisCacheInvalidations invalidations = invalidations(new RedisCacheInvalidations(this.guarded, this.namespace));
		invalidations.subscribe(this::receive);
		// The default backoff (100ms doubling) retries about six times in these six seconds.
		await().during(Duration.ofSeconds(6))
			.atMost(Duration.ofSeconds(8))
			.until(() -> connectionsOfUser() <= 2);
		assertThat(invalidations.isSubscribed()).isFalse();
		assertThat(invalidations.subscription().state()).isEqualTo(State.NOT_SUBSCRIBED);
		assertThat(invalidations.subscription().reason()).contains("NOPERM");
	}

	@Test
	void aRefusedSubscribeIsRetriedWithCappedExponentialBackoffAndSucceedsOnceGranted() {
		startRedisWithUser("resetchannels");
		ManualScheduler scheduler = new ManualScheduler();
		RedisCacheInvalidations invalidations = invalidations(new RedisCacheInvalidations(this.guarded, this.namespace,
				new Settings(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ZERO), Clock.systemUTC(),
				scheduler, () -> 1.0));
		invalidations.onResubscribed(this.resubscriptions::incrementAndGet);
		invalidations.subscribe(this::receive);
		assertThat(scheduler.runNext()).isZero();
		Instant firstFailure = invalidations.subscription().since();
		assertThat(invalidations.subscription().state()).isEqualTo(State.NOT_SUBSCRIBED);
		long[] expectedMillis = { 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000 };
		for (long expected : expectedMillis) {
			await().atMost(Duration.ofSeconds(5)).until(() -> connectionsOfUser() == 1);
			assertThat(scheduler.runNext()).isEqualTo(Duration.ofMillis(expected));
			assertThat(invalidations.subscription().reason()).contains("NOPERM");
		}
		assertThat(invalidations.subscription().since()).as("not subscribed since the first failure")
			.isEqualTo(firstFailure);
		assertThat(this.redis.send("ACL", "SETUSER", "tiergate", "&" + invalidations.channel())).isEqualTo("+OK");
		scheduler.runNext();
		assertThat(invalidations.subscription().state()).isEqualTo(State.SUBSCRIBED);
		assertThat(invalidations.subscription().reason()).isNull();
		assertThat(this.resubscriptions).as("not before the resubscription actions ran").hasValue(0);
		scheduler.runNext();
		assertThat(this.resubscriptions).hasValue(1);
		publishFromAnotherInstance("products", "after-grant");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.received.contains("products:after-grant"));
		assertThat(connectionsOfUser()).isEqualTo(2);
	}

	@Test
	void theJitterKeepsEachDelayBetweenHalfAndAllOfTheBackoff() {
		startRedisWithUser("allchannels");
		RedisCacheInvalidations low = invalidations(new RedisCacheInvalidations(this.guarded, this.namespace,
				new Settings(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ZERO), Clock.systemUTC(),
				new ManualScheduler(), () -> 0.0));
		assertThat(low.backoff(0)).isEqualTo(Duration.ofMillis(50));
		assertThat(low.backoff(3)).isEqualTo(Duration.ofMillis(400));
		assertThat(low.backoff(40)).isEqualTo(Duration.ofSeconds(15));
		assertThat(low.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void settingsThatCannotWorkAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Settings(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
			.withMessageContaining("initialRetryDelay");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
			.withMessageContaining("maxRetryDelay");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(-1)))
			.withMessageContaining("selfCheckInterval");
	}

	@Test
	void afterRedisIsKilledAndRestartedTheSubscriptionIsBackConfirmedAndTheResubscriptionActionsRun() {
		startRedisWithUser("allchannels");
		RedisCacheInvalidations invalidations = invalidations(
				new RedisCacheInvalidations(this.guarded, this.namespace, FAST_RETRIES));
		invalidations.onResubscribed(this.resubscriptions::incrementAndGet);
		invalidations.subscribe(this::receive);
		await().atMost(Duration.ofSeconds(5)).until(invalidations::isSubscribed);
		assertThat(this.resubscriptions).as("the first subscription succeeded: nothing was missed").hasValue(0);
		for (int round = 1; round <= 2; round++) {
			this.redis.stop();
			await().atMost(Duration.ofSeconds(5)).until(() -> !invalidations.isSubscribed());
			assertThat(invalidations.subscription().reason()).isNotNull();
			this.redis.start();
			// A restarted server has lost the ACL users.
			createUser("allchannels");
			await().atMost(Duration.ofSeconds(10)).until(invalidations::isSubscribed);
			int expected = round;
			await().atMost(Duration.ofSeconds(5)).until(() -> this.resubscriptions.get() == expected);
			String key = "round-" + round;
			publishFromAnotherInstance("products", key);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.received.contains("products:" + key));
		}
	}

	@Test
	void aReSubscribeThatRedisRefusesAfterAReconnectIsDetectedAndRetried() {
		startRedisWithUser("allchannels");
		RedisCacheInvalidations invalidations = invalidations(
				new RedisCacheInvalidations(this.guarded, this.namespace, FAST_RETRIES));
		invalidations.onResubscribed(this.resubscriptions::incrementAndGet);
		invalidations.subscribe(this::receive);
		await().atMost(Duration.ofSeconds(5)).until(invalidations::isSubscribed);
		// The channel is revoked, then the connection drops: Lettuce reconnects and re-sends
		// SUBSCRIBE, which Redis refuses; Lettuce itself only logs that.
		assertThat(this.redis.send("ACL", "SETUSER", "tiergate", "resetchannels")).isEqualTo("+OK");
		this.redis.send("CLIENT", "KILL", "TYPE", "pubsub");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !invalidations.isSubscribed() && invalidations.subscription().reason() != null
					&& invalidations.subscription().reason().contains("NOPERM"));
		// Before the fix the open connection counted as subscribed once Lettuce had reconnected.
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> !invalidations.isSubscribed() && connectionsOfUser() <= 2);
		assertThat(this.redis.send("ACL", "SETUSER", "tiergate", "&" + invalidations.channel())).isEqualTo("+OK");
		await().atMost(Duration.ofSeconds(5)).until(invalidations::isSubscribed);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.resubscriptions.get() == 1);
		publishFromAnotherInstance("products", "regranted");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.received.contains("products:regranted"));
	}

	@Test
	void withALateRedisTheSubscriptionFollowsTheBreakerClosingRatherThanTheBackoff() {
		startRedisWithUser("allchannels");
		this.redis.stop();
		// As the auto-configuration does when Redis cannot be reached at startup.
		this.guarded.breaker().transitionToOpenState();
		RedisCacheInvalidations invalidations = invalidations(new RedisCacheInvalidations(this.guarded, this.namespace,
				new Settings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO)));
		invalidations.onResubscribed(this.resubscriptions::incrementAndGet);
		invalidations.subscribe(this::receive);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> invalidations.subscription().state() == State.NOT_SUBSCRIBED);
		this.redis.start();
		createUser("allchannels");
		// The next attempt of the backoff is at least 15s away: only the breaker closing explains this.
		await().atMost(Duration.ofSeconds(10)).until(invalidations::isSubscribed);
		assertThat(this.state.isFallback()).isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.resubscriptions.get() == 1);
	}

	@Test
	void aSubscriptionThatDeliversNothingIsFoundByTheSelfCheckAndReplaced() throws IOException {
		this.redis = TestRedis.startPrivate();
		try (PubSubFreezingProxy proxy = new PubSubFreezingProxy(this.redis.port())) {
			connect(RedisURI.create("redis://127.0.0.1:" + proxy.port()));
			RedisCacheInvalidations invalidations = invalidations(new RedisCacheInvalidations(this.guarded,
					this.namespace, new Settings(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(500))));
			invalidations.onResubscribed(this.resubscriptions::incrementAndGet);
			invalidations.subscribe(this::receive);
			await().atMost(Duration.ofSeconds(5)).until(invalidations::isSubscribed);
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(invalidations::isSubscribed);
			assertThat(this.received).as("its own test messages are not invalidations").isEmpty();
			// As a half-open connection would: Redis confirmed the subscription, nothing reaches it.
			proxy.freezePubSub();
			// Found, and the frozen connection replaced by a new one within ~100ms, too fast to poll
			// the NOT_SUBSCRIBED state reliably: the resubscription actions show it happened.
			await().atMost(Duration.ofSeconds(5)).until(() -> this.resubscriptions.get() == 1);
			await().atMost(Duration.ofSeconds(5)).until(invalidations::isSubscribed);
			publishFromAnotherInstance("products", "after-freeze");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.received.contains("products:after-freeze"));
		}
	}

	@Test
	void theSelfCheckMessagesOfAnotherInstanceAreNotInvalidations() {
		startRedisWithUser("allchannels");
		RedisCacheInvalidations invalidations = invalidations(
				new RedisCacheInvalidations(this.guarded, this.namespace, FAST_RETRIES));
		invalidations.subscribe(this::receive);
		await().atMost(Duration.ofSeconds(5)).until(invalidations::isSubscribed);
		this.redis.send("PUBLISH", invalidations.channel(), "{\"sender\":\"other\",\"ping\":\"1\"}");
		publishFromAnotherInstance("products", "marker");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.received.contains("products:marker"));
		assertThat(this.received).containsExactly("products:marker");
	}

	private void startRedisWithUser(String channelRights) {
		this.redis = TestRedis.startPrivate();
		createUser(channelRights);
		connect(RedisURI.builder()
			.withHost(this.redis.endpoint().host())
			.withPort(this.redis.endpoint().port())
			.withAuthentication("tiergate", "secret")
			.build());
	}

	private void createUser(String channelRights) {
		assertThat(this.redis.send("ACL", "SETUSER", "tiergate", "on", ">secret", "~*", "+@all", channelRights))
			.isEqualTo("+OK");
	}

	private void connect(RedisURI uri) {
		this.client = RedisClient.create(uri);
		this.state = new RedisHealthState(Clock.systemUTC());
		RedisConnector connector = new RedisConnector(this.client, Duration.ofMillis(500), Duration.ofMillis(100));
		this.closeables.add(connector);
		this.guarded = new GuardedRedis(connector, this.state, BreakerSettings.DEFAULTS);
		this.closeables.add(this.guarded);
		connector.awaitConnection(Duration.ofSeconds(5));
	}

	private RedisCacheInvalidations invalidations(RedisCacheInvalidations invalidations) {
		this.closeables.add(invalidations);
		return invalidations;
	}

	private void receive(String cache, String key) {
		this.received.add(cache + ":" + key);
	}

	private void publishFromAnotherInstance(String cache, String key) {
		String message = "{\"sender\":\"another-instance\",\"cache\":\"" + cache + "\",\"key\":\"" + key + "\"}";
		assertThat(this.redis.send("PUBLISH", this.namespace + ":invalidations", message)).startsWith(":");
	}

	private long connectionsOfUser() {
		String clients = this.redis.send("CLIENT", "LIST");
		return (clients != null) ? clients.lines().filter((line) -> line.contains("user=tiergate")).count() : -1;
	}

	/**
	 * A loopback TCP proxy in front of Redis that can stop delivering to the pub/sub
	 * connections open now (those that sent {@code SUBSCRIBE}), as a half-open connection
	 * would, while commands and new connections go through.
	 */
	private static final class PubSubFreezingProxy implements AutoCloseable {

		private final ServerSocket server;

		private final int target;

		private final Set<Relay> relays = ConcurrentHashMap.newKeySet();

		PubSubFreezingProxy(int target) throws IOException {
			this.target = target;
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::accept, "pubsub-freezing-proxy");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		void freezePubSub() {
			this.relays.stream().filter((relay) -> relay.subscribed).forEach((relay) -> relay.frozen = true);
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket client = this.server.accept();
					Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
					Relay relay = new Relay(client, upstream);
					this.relays.add(relay);
					relay.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Relay relay : this.relays) {
				relay.close();
			}
		}

		private static final class Relay {

			private final Socket client;

			private final Socket upstream;

			volatile boolean subscribed;

			volatile boolean frozen;

			Relay(Socket client, Socket upstream) {
				this.client = client;
				this.upstream = upstream;
			}

			void start() {
				pump(this.client, this.upstream, true);
				pump(this.upstream, this.client, false);
			}

			private void pump(Socket from, Socket to, boolean towardsRedis) {
				Thread thread = new Thread(() -> {
					byte[] buffer = new byte[16 * 1024];
					try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
						int read;
						while ((read = in.read(buffer)) != -1) {
							if (towardsRedis && new String(buffer, 0, read, StandardCharsets.ISO_8859_1)
								.toUpperCase()
								.contains("SUBSCRIBE")) {
								this.subscribed = true;
							}
							if (!towardsRedis && this.frozen) {
								continue;
							}
							out.write(buffer, 0, read);
							out.flush();
						}
					}
					catch (IOException ex) {
						// Closed.
					}
					close();
				}, "pubsub-freezing-proxy-relay");
				thread.setDaemon(true);
				thread.start();
			}

			void close() {
				try {
					this.client.close();
					this.upstream.close();
				}
				catch (IOException ex) {
					// Closing anyway.
				}
			}

		}

	}

}
