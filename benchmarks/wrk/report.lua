-- Prints one line that run.sh reads: requests per second, latency percentiles in
-- microseconds, and the failed requests (socket errors, and statuses other than 2xx/3xx).
done = function(summary, latency, requests)
	local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
	io.write(string.format("RESULT rps=%.0f p50=%d p90=%d p99=%d p999=%d max=%d errors=%d non2xx=%d\n",
		summary.requests / (summary.duration / 1000000), latency:percentile(50), latency:percentile(90),
		latency:percentile(99), latency:percentile(99.9), latency.max, errors, summary.errors.status))
end
