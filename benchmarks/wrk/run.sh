#!/usr/bin/env bash
# Load test of the demo application with wrk (Debian package "wrk"); see docs/performance.md.
#
# Starts the demo (mvn -pl demo-app -am spring-boot:run, with its embedded Redis) on a free
# port, then, ROUNDS times, runs wrk against three endpoints of LoadTestController that
# answer the same body: /bench/plain (nothing else), /bench/cached (@TieredCacheable, an
# L1 hit) and /bench/limited (@RateLimited, one script call in Redis per request). Then it
# stops the demo's Redis (POST /demo/redis/stop) and measures the three again in fallback
# (L1 and local buckets). The table goes to stdout and to benchmarks/target/wrk-result.md.
#
# Settings (environment): ROUNDS (3), DURATION of each measurement (10s), WARMUP (10s),
# THREADS (2), CONNECTIONS (32).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
log="$out/wrk-demo.log"
result="$out/wrk-result.md"

launch "demo-app" "$log" "the demo"

endpoints=(plain cached limited)

# Runs every endpoint ROUNDS times, interleaved so that a noisy moment hits all three;
# appends "mode endpoint round rps p50 p90 p99 p999 max errors non2xx" to $rows.
rows="$out/wrk-rows.txt"
: >"$rows"
run_phase() {
	local mode=$1
	for endpoint in "${endpoints[@]}"; do
		measure "$WARMUP" "$base" "$endpoint" >/dev/null
	done
	for round in $(seq 1 "$ROUNDS"); do
		for endpoint in "${endpoints[@]}"; do
			local figures
			figures=$(measure "$DURATION" "$base" "$endpoint")
			echo "$mode $endpoint $round $figures" | tee -a "$rows"
		done
	done
}

echo "Redis running"
run_phase running

echo "Stopping the demo's Redis"
curl -fs -X POST "$base/demo/redis/stop" >/dev/null
for _ in $(seq 1 50); do
	if curl -fs "$base/actuator/health" | grep -q DEGRADED; then
		break
	fi
	sleep 0.2
done
curl -fs "$base/actuator/health" | grep -q DEGRADED || { echo "tiergate did not report the fallback" >&2; exit 1; }
echo "Redis stopped (fallback)"
run_phase fallback
curl -fs -X POST "$base/demo/redis/start" >/dev/null

# The median of the rounds of each endpoint and mode.
{
	echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds (median of the rounds), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "| Redis | endpoint | requests/s | vs plain | p50 ms | p90 ms | p99 ms | p99.9 ms | failed |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for mode in running fallback; do
		plain_rps=$(awk -v m="$mode" '$1 == m && $2 == "plain" { print $4 }' "$rows" | median)
		for endpoint in "${endpoints[@]}"; do
			col() { awk -v m="$mode" -v e="$endpoint" -v c="$1" '$1 == m && $2 == e { print $c }' "$rows" | median; }
			rps=$(col 4)
			failed=$(awk -v m="$mode" -v e="$endpoint" '$1 == m && $2 == e { s += $10 + $11 } END { print s + 0 }' "$rows")
			echo "| $mode | /bench/$endpoint | $rps | $(div "$rps" "$plain_rps") | $(div "$(col 5)" 1000) |" \
				"$(div "$(col 6)" 1000) | $(div "$(col 7)" 1000) | $(div "$(col 8)" 1000) | $failed |"
		done
	done
} | tee "$result"
echo "Written to $result"
