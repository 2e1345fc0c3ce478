package dev.tiergate.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests {@code docs/dashboards/tiergate-grafana.json} on a real Prometheus (Debian's
 * {@code prometheus}, see {@link PrometheusServer}) scraping the demo's executable jar
 * every second: while traffic runs over many products (L1 misses, L2 hits, backend
 * calls), the chat tier answers 429s and Redis is stopped and started again, then every
 * query of the dashboard, variables and panels, is evaluated through Prometheus's HTTP
 * API as Grafana would: range queries over the run ({@code /api/v1/query_range}, as the
 * dashboard's targets are), with the variables substituted as Grafana does for a selection
 * of every value, {@code $__range} the run and {@code $__rate_interval} four scrapes. Each
 * must return data, and the fallback and rejection panels must show the outage and the
 * 429s; the stat panels of the Redis mode are read while Redis is stopped too.
 */
class GrafanaDashboardOnPrometheusIT {

	private static final Path DASHBOARD = Path.of("../docs/dashboards/tiergate-grafana.json");

	private static final String JOB = "tiergate-demo";

	private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

	/** What Grafana's $__rate_interval is for a one-second scrape and step: four scrapes. */
	private static final String RATE_INTERVAL = SCRAPE_INTERVAL.multipliedBy(4).toSeconds() + "s";

	private static final Duration STEP = Duration.ofSeconds(1);

	/** Scrapes and evaluations on a busy two-core machine. */
	private static final Duration PROMETHEUS_SEES_WITHIN = Duration.ofSeconds(30);

	private static final Duration TIERGATE_SWITCHES_WITHIN = Duration.ofSeconds(30);

	private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

	private static final Pattern VARIABLE = Pattern.compile("\\$(__rate_interval|__range|\\w+)");

	@Test
	void everyQueryReturnsDataAndThePanelsShowTheOutageAndTheRejections(@TempDir Path directory)
			throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		try (DemoJar demo = DemoJar.start("dashboard-on-prometheus-it", "--demo.backend-delay=2ms",
				"--demo.llm-delay=1ms");
				PrometheusServer prometheus = PrometheusServer.start(directory, JOB, "127.0.0.1:" + demo.port(),
						"/actuator/prometheus", SCRAPE_INTERVAL);
				Traffic traffic = Traffic.start(demo.client())) {
			Instant start = Instant.now();
			DemoClient client = demo.client();
			awaitValue(prometheus, "up{job=\"" + JOB + "\"}", (value) -> value == 1);
			// L1 holds 1000 of the 3000 products the traffic asks for: misses that L2 answers.
			awaitValue(prometheus, "sum(tiergate_cache_gets_total{tier=\"l2\", result=\"hit\"})", (value) -> value > 0);

			int rejected = 0;
			for (int i = 0; i < 8; i++) {
				if (client.postJson("/api/chat", Map.of("prompt", "Why cache an LLM?")).getStatusCode()
					== HttpStatus.TOO_MANY_REQUESTS) {
					rejected++;
				}
			}
			assertThat(rejected).as("chats over the burst of 5").isGreaterThanOrEqualTo(3);

			Map<String, String> variables = variables(dashboard, prometheus, start);
			assertThat(client.post("/demo/redis/stop").getStatusCode()).isEqualTo(HttpStatus.OK);
			awaitTiergate(client, "DEGRADED");
			// What the stat panels show while Redis is away.
			awaitValue(prometheus, substitute(expression(dashboard, "Redis mode"), variables), (value) -> value == 1);
			awaitValue(prometheus, substitute(expression(dashboard, "Instances in fallback"), variables),
					(value) -> value == 1);
			assertThat(client.post("/demo/redis/start").getStatusCode()).isEqualTo(HttpStatus.OK);
			awaitTiergate(client, "UP");
			awaitValue(prometheus, substitute(expression(dashboard, "Redis mode"), variables), (value) -> value == 0);
			// Traffic after the recovery, scraped: the graphs show the way back too.
			double lookupsAtRecovery = l1Lookups(client);
			awaitValue(prometheus, "sum(tiergate_cache_gets_total{tier=\"l1\"})",
					(value) -> value > lookupsAtRecovery + 200);
			Instant end = Instant.now();

			variables = variables(dashboard, prometheus, start);
			variables.put("__range", Duration.between(start, end).toSeconds() + "s");
			variables.put("__rate_interval", RATE_INTERVAL);
			Map<String, List<JsonNode>> results = new LinkedHashMap<>();
			List<String> empty = new ArrayList<>();
			for (JsonNode panel : dashboard.get("panels")) {
				for (JsonNode target : panel.path("targets")) {
					String title = panel.get("title").asString() + " [" + target.path("legendFormat").asString() + "]";
					String expression = substitute(target.get("expr").asString(), variables);
					// Every target of the dashboard is a range query, stat panels included (they show the last value).
					JsonNode result = prometheus.queryRange(expression, start, end, STEP);
					List<JsonNode> series = result.valueStream().filter(GrafanaDashboardOnPrometheusIT::hasAValue).toList();
					results.merge(panel.get("type").asString() + ": " + panel.get("title").asString(), series,
							GrafanaDashboardOnPrometheusIT::concat);
					if (series.isEmpty()) {
						empty.add(title + ": " + expression);
					}
				}
			}
			// What each panel showed, in the failsafe report's output of this test.
			results.forEach((panel, series) -> System.out.printf("dashboard on Prometheus: %s: %d series, max %s%n",
					panel, series.size(), max(series, Map.of())));
			assertThat(empty).as("queries of the dashboard that return no data").isEmpty();

			assertThat(max(results.get("stat: Fallback activations"), Map.of())).as("fallback activations in the run")
				.isGreaterThanOrEqualTo(1);
			assertThat(max(results.get("timeseries: Fallback activations"), Map.of()))
				.as("fallback activations over time")
				.isPositive();
			assertThat(max(results.get("state-timeline: Redis mode over time"), Map.of())).as("Redis mode over time")
				.isEqualTo(1);
			assertThat(max(results.get("state-timeline: Circuit breaker"), Map.of())).as("circuit breaker state")
				.isPositive();
			assertThat(max(results.get("timeseries: Checks by mode"), Map.of("mode", "local")))
				.as("local checks during the outage")
				.isPositive();
			assertThat(max(results.get("timeseries: Checks by tier and result"),
					Map.of("tier", "chat", "result", "rejected")))
				.as("rejected chats per second")
				.isPositive();
			assertThat(max(results.get("timeseries: Rejected share by tier"), Map.of("tier", "chat")))
				.as("rejected share of the chat tier")
				.isPositive();
		}
	}

	/**
	 * The values of the dashboard's query variables, as Grafana substitutes them for a
	 * selection of every value: {@code (a|b)}, each escaped for a PromQL regex. Each
	 * variable query must find values.
	 */
	private static Map<String, String> variables(JsonNode dashboard, PrometheusServer prometheus, Instant start) {
		Map<String, String> variables = new LinkedHashMap<>();
		for (JsonNode variable : dashboard.at("/templating/list")) {
			if (!"query".equals(variable.get("type").asString())) {
				continue;
			}
			String query = variable.at("/query/query").asString();
			Matcher labelValues = LABEL_VALUES.matcher(query);
			assertThat(labelValues.matches()).as("variable query %s is label_values(selector, label)", query).isTrue();
			String selector = substitute(labelValues.group(1), variables);
			List<String> values = prometheus.labelValues(labelValues.group(2), selector);
			assertThat(values).as("values of $%s (%s)", variable.get("name").asString(), selector).isNotEmpty();
			variables.put(variable.get("name").asString(),
					values.stream().map(GrafanaDashboardOnPrometheusIT::regexEscaped).collect(Collectors.joining("|", "(", ")")));
		}
		return variables;
	}

	private static String regexEscaped(String value) {
		// Two backslashes in a PromQL string are one in the regex.
		return value.replaceAll("([\\\\^$.|?*+()\\[\\]{}])", "\\\\\\\\$1");
	}

	private static String substitute(String expression, Map<String, String> variables) {
		Matcher matcher = VARIABLE.matcher(expression);
		StringBuilder substituted = new StringBuilder();
		while (matcher.find()) {
			String value = variables.get(matcher.group(1));
			assertThat(value).as("value of $%s in %s", matcher.group(1), expression).isNotNull();
			matcher.appendReplacement(substituted, Matcher.quoteReplacement(value));
		}
		return matcher.appendTail(substituted).toString();
	}

	private static String expression(JsonNode dashboard, String title) {
		return dashboard.get("panels")
			.valueStream()
			.filter((panel) -> title.equals(panel.get("title").asString()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No panel titled " + title))
			.at("/targets/0/expr")
			.asString();
	}

	private static void awaitValue(PrometheusServer prometheus, String expression, Predicate<Double> expected) {
		await(expression).atMost(PROMETHEUS_SEES_WITHIN)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> prometheus.query(expression, Instant.now())
				.valueStream()
				.map((series) -> Double.parseDouble(series.at("/value/1").asString()))
				.anyMatch(expected));
	}

	private static double l1Lookups(DemoClient client) {
		JsonNode gets = client.getJson("/actuator/metrics/tiergate.cache.gets?tag=tier:l1").getBody();
		return gets.at("/measurements/0/value").asDouble();
	}

	private static void awaitTiergate(DemoClient client, String status) {
		await("tiergate health " + status).atMost(TIERGATE_SWITCHES_WITHIN)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> status.equals(DemoClient.tiergateStatus(client.health())));
	}

	/** Whether a series of an instant or a range result has a number (not NaN). */
	private static boolean hasAValue(JsonNode series) {
		return values(series).anyMatch((value) -> !Double.isNaN(value));
	}

	/** The values of a series: one of an instant query, each point's of a range query. */
	private static Stream<Double> values(JsonNode series) {
		Stream<JsonNode> points = series.has("values") ? series.get("values").valueStream()
				: Stream.of(series.get("value"));
		return points.map((point) -> Double.parseDouble(point.get(1).asString()));
	}

	/** The largest value of the series whose labels include {@code labels}. */
	private static double max(List<JsonNode> series, Map<String, String> labels) {
		assertThat(series).as("series of the panel").isNotNull();
		return series.stream()
			.filter((one) -> labels.entrySet()
				.stream()
				.allMatch((label) -> label.getValue().equals(one.at("/metric/" + label.getKey()).asString())))
			.flatMap(GrafanaDashboardOnPrometheusIT::values)
			.filter((value) -> !Double.isNaN(value))
			.max(Double::compare)
			.orElse(Double.NaN);
	}

	private static List<JsonNode> concat(List<JsonNode> first, List<JsonNode> second) {
		List<JsonNode> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	/**
	 * Requests to the demo at a bounded pace, until closed: products over ids 1 to 3000
	 * (L1 holds 1000) from a fixed seed, and now and then a content page.
	 */
	static final class Traffic implements AutoCloseable {

		private static final int PRODUCTS = 3000;

		private static final long MAX_REQUESTS = 100_000;

		private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

		private final AtomicLong requests = new AtomicLong();

		private final Random random = new Random(17);

		private final DemoClient client;

		private Traffic(DemoClient client) {
			this.client = client;
		}

		static Traffic start(DemoClient client) {
			Traffic traffic = new Traffic(client);
			traffic.executor.scheduleAtFixedRate(traffic::request, 0, 4, TimeUnit.MILLISECONDS);
			return traffic;
		}

		private void request() {
			long count = this.requests.incrementAndGet();
			if (count > MAX_REQUESTS) {
				this.executor.shutdown();
				return;
			}
			try {
				if (count % 50 == 0) {
					this.client.get("/api/content/tiered-caching");
				}
				else {
					this.client.product(1 + this.random.nextInt(PRODUCTS));
				}
			}
			catch (RuntimeException ex) {
				// Counted all the same: the dashboard is what this test reads, not the answers.
			}
		}

		@Override
		public void close() {
			this.executor.shutdownNow();
		}

	}

}
