package dev.tiergate.autoconfigure.cache;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import dev.tiergate.test.RedisCluster;
import dev.tiergate.test.RedisProbe;
import dev.tiergate.test.RedisTopology;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

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

	@Autowired
	private Catalog catalog;

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

}
