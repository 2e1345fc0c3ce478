package dev.tiergate.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@code docs/dashboards/tiergate-grafana.json} reads only metrics that a
 * tiergate application publishes: every metric name in the dashboard's PromQL (panel
 * targets and variable queries) must appear on the demo's {@code /actuator/prometheus}
 * after the demo has served from every tier.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.backend-delay=20ms", "tiergate.redis.timeout=2s" })
class GrafanaDashboardTests {

	private static final Path DASHBOARD = Path.of("../docs/dashboards/tiergate-grafana.json");

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> TestRedis.shared().uri());
	}

	@LocalServerPort
	private int port;

	@Autowired
	private TieredCaches caches;

	@Test
	void everyMetricTheDashboardReadsIsPublished() throws IOException {
		JsonNode dashboard = readDashboard();
		Set<String> used = new TreeSet<>();
		expressions(dashboard).forEach((expression) -> used.addAll(PromQlMetricNames.in(expression)));
		assertThat(used).as("metrics read by the dashboard")
			.contains("tiergate_cache_gets_total", "tiergate_cache_loads_seconds_bucket",
					"tiergate_cache_errors_total", "tiergate_redis_fallback_active",
					"tiergate_redis_circuit_breaker_state", "tiergate_cache_invalidations_total");
		DemoClient demo = new DemoClient(this.port);
		demo.product(2);
		demo.product(2);
		this.caches.get("products").clearL1();
		demo.product(2);
		ResponseEntity<String> scrape = demo.get("/actuator/prometheus");
		assertThat(scrape.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(publishedMetrics(scrape.getBody())).containsAll(used);
	}

	@Test
	void everyPanelQueriesTheDashboardsDataSourceAndHasAUniqueId() throws IOException {
		JsonNode dashboard = readDashboard();
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			assertThat(ids.add(panel.get("id").asInt())).as("unique id of panel %s", panel.get("title")).isTrue();
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.at("/datasource/uid").asString()).isEqualTo("${datasource}");
				assertThat(target.get("expr").asString()).as("expression of %s", panel.get("title")).isNotBlank();
			}
		}
		assertThat(ids).hasSizeGreaterThan(10);
	}

	private static JsonNode readDashboard() throws IOException {
		assertThat(DASHBOARD).exists();
		return JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
	}

	private static List<String> expressions(JsonNode dashboard) {
		List<String> expressions = new ArrayList<>();
		for (JsonNode panel : dashboard.get("panels")) {
			panel.path("targets").forEach((target) -> expressions.add(target.get("expr").asString()));
		}
		for (JsonNode variable : dashboard.at("/templating/list")) {
			if ("query".equals(variable.get("type").asString())) {
				expressions.add(variable.at("/query/query").asString());
			}
		}
		return expressions;
	}

	private static Set<String> publishedMetrics(String scrape) {
		Set<String> names = new TreeSet<>();
		scrape.lines()
			.filter((line) -> !line.isBlank() && !line.startsWith("#"))
			.forEach((line) -> names.add(line.split("[{ ]", 2)[0]));
		return names;
	}

}
