package dev.tiergate.autoconfigure.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.RedisCluster;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisProcess;
import dev.tiergate.test.RedisTopology;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The annotations end to end on a Redis Cluster of three masters, configured the standard
 * Boot way ({@code spring.data.redis.cluster.nodes}): entries, TTLs, evictions of all
 * entries (a {@code SCAN} of every master) and the stampede lock land on whichever node
 * owns their slot.
 */
@SpringBootTest(classes = CacheTestApplication.class)
class TieredCacheableClusterIntegrationTests extends AbstractTieredCacheableIntegrationTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, RedisCluster.shared());
	}

	private static final String CHANNEL = "catalog-it:invalidations";

	@Autowired
	private Catalog catalog;

	@Autowired
	private TieredCaches caches;

	@Override
	protected RedisTopology topology() {
		return RedisCluster.shared();
	}

	@Test
	void entriesOfOneCacheLandOnSeveralMastersAndEvictingAllEntriesReachesEveryOne() {
		LongStream.range(40, 70).forEach(this.catalog::find);
		Set<Integer> owners = LongStream.range(40, 70)
			.mapToObj((id) -> RedisCluster.shared().masterOf("catalog-it:products:" + id).port())
			.collect(Collectors.toSet());
		assertThat(owners).hasSize(3);
		this.catalog.deleteAll();
		try (RedisProbe probe = topology().probe()) {
			assertThat(probe.scanKeys("catalog-it:products:*")).isEmpty();
		}
		this.catalog.find(40);
		assertThat(this.catalog.invocations("find")).isEqualTo(31);
	}

	@Test
	void anInstanceSubscribedOnAnotherNodeStillReceivesEveryInvalidation() {
		RedisCluster cluster = RedisCluster.shared();
		await().atMost(Duration.ofSeconds(5)).until(() -> subscriberNodes(cluster).size() == 1);
		RedisProcess ours = subscriberNodes(cluster).get(0);
		RedisProcess other = cluster.nodes().stream().filter((node) -> node != ours).findFirst().orElseThrow();
		// Seeded with one other node only, the second instance subscribes there.
		RedisTopology seededElsewhere = new RedisTopology() {

			@Override
			public Map<String, String> springProperties() {
				return Map.of("spring.data.redis.cluster.nodes", "127.0.0.1:" + other.port());
			}

			@Override
			public RedisProbe probe() {
				return cluster.probe();
			}

		};
		try (ConfigurableApplicationContext second = CacheTestApplication.start(seededElsewhere,
				WebApplicationType.NONE)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> subscriberNodes(cluster).size() == 2);
			Catalog otherCatalog = second.getBean(Catalog.class);
			TieredCache otherProducts = second.getBean(TieredCaches.class).get("products");
			this.catalog.find(80);
			otherCatalog.find(80);
			assertThat(otherProducts.getIfPresent(80L)).isNotNull();
			this.catalog.delete(80);
			await().atMost(Duration.ofSeconds(1)).until(() -> otherProducts.getIfPresent(80L) == null);
			otherCatalog.find(81);
			TieredCache products = this.caches.get("products");
			this.catalog.find(81);
			otherCatalog.delete(81);
			await().atMost(Duration.ofSeconds(1)).until(() -> products.getIfPresent(81L) == null);
		}
	}

	private static List<RedisProcess> subscriberNodes(RedisCluster cluster) {
		// PUBSUB NUMSUB counts the subscribers of the node asked only.
		return cluster.nodes()
			.stream()
			.filter((node) -> !String.valueOf(node.send("PUBSUB", "NUMSUB", CHANNEL)).endsWith(":0"))
			.toList();
	}

}
