#!/usr/bin/env bash
# Load test of a WebFlux application with wrk (Debian package "wrk"); see docs/performance.md.
#
# Starts dev.tiergate.benchmarks.webflux.WebFluxBenchmarkApplication (mvn -pl benchmarks -am
# spring-boot:run; Reactor Netty, with a private redis-server of the test harness) on a free
# port, then, ROUNDS times, runs wrk against four endpoints that answer a Mono of the same
# body: /bench/plain (nothing else), /bench/cached (@TieredCacheable, an L1 hit) and
# /bench/limited (@RateLimited, one script call in Redis per request), and /bench/routed
# (the same tier from a route in configuration, tiergate.rate-limit.routes). It fails if tiergate
# stopped using Redis at any time (its figures would then be fallback figures). The table
# goes to stdout and to benchmarks/target/wrk-webflux-result.md.
#
# Settings (environment): ROUNDS (3), DURATION of each measurement (10s), WARMUP (10s),
# THREADS (2), CONNECTIONS (32).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
log="$out/wrk-webflux-app.log"
result="$out/wrk-webflux-result.md"

launch "benchmarks" "$log" "the WebFlux application"

endpoints=(plain cached limited routed)

# Every endpoint ROUNDS times, interleaved so that a noisy moment hits all three;
# "endpoint round rps p50 p90 p99 p999 max errors non2xx" per line.
rows="$out/wrk-webflux-rows.txt"
: >"$rows"
for endpoint in "${endpoints[@]}"; do
	measure "$WARMUP" "$base" "$endpoint" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
	for endpoint in "${endpoints[@]}"; do
		figures=$(measure "$DURATION" "$base" "$endpoint")
		echo "$endpoint $round $figures" | tee -a "$rows"
	done
done

fallbacks=$(curl -fs "$base/bench/redis-fallbacks")
if [ "$fallbacks" != "0" ]; then
	echo "tiergate stopped using Redis $fallbacks time(s) during the load test: its figures are not Redis figures" >&2
	exit 1
fi

# The median of the rounds of each endpoint.
{
	echo "WebFlux, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds (median of the rounds), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "| endpoint | requests/s | vs plain | p50 ms | p90 ms | p99 ms | p99.9 ms | failed |"
	echo "|---|---|---|---|---|---|---|---|"
	plain_rps=$(awk '$1 == "plain" { print $3 }' "$rows" | median)
	for endpoint in "${endpoints[@]}"; do
		col() { awk -v e="$endpoint" -v c="$1" '$1 == e { print $c }' "$rows" | median; }
		rps=$(col 3)
		failed=$(awk -v e="$endpoint" '$1 == e { s += $9 + $10 } END { print s + 0 }' "$rows")
		echo "| /bench/$endpoint | $rps | $(div "$rps" "$plain_rps") | $(div "$(col 4)" 1000) |" \
			"$(div "$(col 5)" 1000) | $(div "$(col 6)" 1000) | $(div "$(col 7)" 1000) | $failed |"
	done
} | tee "$result"
echo "Written to $result"
