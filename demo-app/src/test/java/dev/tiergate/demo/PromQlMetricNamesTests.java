package dev.tiergate.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PromQlMetricNames}.
 */
class PromQlMetricNamesTests {

	@Test
	void findsMetricsButNotFunctionsLabelsVariablesOrDurations() {
		String expression = "histogram_quantile(0.99, sum by (cache, le) (rate(tiergate_cache_loads_seconds_bucket"
				+ "{job=~\"$job\", cache=~\"${cache}\"}[$__rate_interval]))) / on (cache) group_left "
				+ "sum without (result) (increase(tiergate_cache_gets_total[5m] offset 1h)) > bool 0.5";
		assertThat(PromQlMetricNames.in(expression)).containsExactly("tiergate_cache_gets_total",
				"tiergate_cache_loads_seconds_bucket");
	}

	@Test
	void findsMetricsOnBothSidesOfAnOperatorAndAfterAnAggregation() {
		assertThat(PromQlMetricNames.in("sum(rate(a_total[1m])) by (cache) / ignoring(x) b or vector(0) unless c"))
			.containsExactly("a_total", "b", "c");
	}

	@Test
	void findsTheSeriesOfGrafanaLabelValues() {
		assertThat(PromQlMetricNames.in("label_values(tiergate_cache_gets_total{job=~\"$job\"}, cache)"))
			.containsExactly("tiergate_cache_gets_total");
	}

}
