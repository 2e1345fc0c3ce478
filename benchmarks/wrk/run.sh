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

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/benchmarks/target"
mkdir -p "$out"
log="$out/wrk-demo.log"
result="$out/wrk-result.md"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

echo "Starting the demo on port $port (log: $log)"
cd "$root"
# Its own process group, so that stopping it stops the JVM that spring-boot:run forks too.
setsid mvn -q -pl demo-app -am spring-boot:run \
	-Dspring-boot.run.arguments="--server.port=$port --logging.level.root=warn" >"$log" 2>&1 &
demo=$!
stop_demo() {
	kill -- -"$demo" 2>/dev/null || true
	wait "$demo" 2>/dev/null || true
}
trap stop_demo EXIT

for _ in $(seq 1 300); do
	if curl -fs "$base/bench/plain" >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$demo" 2>/dev/null; then
		echo "The demo did not start; see $log" >&2
		exit 1
	fi
	sleep 1
done
curl -fs "$base/bench/plain" >/dev/null || { echo "The demo did not answer within 300 s; see $log" >&2; exit 1; }

endpoints=(plain cached limited)

# One wrk run; prints "rps p50 p90 p99 p999 max errors non2xx".
measure() {
	local line
	line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" -s "$here/report.lua" "$base/bench/$2" | grep '^RESULT ')
	echo "$line" | sed -E 's/RESULT rps=([0-9]+) p50=([0-9]+) p90=([0-9]+) p99=([0-9]+) p999=([0-9]+) max=([0-9]+) errors=([0-9]+) non2xx=([0-9]+)/\1 \2 \3 \4 \5 \6 \7 \8/'
}

# Runs every endpoint ROUNDS times, interleaved so that a noisy moment hits all three;
# appends "mode endpoint round rps p50 p90 p99 p999 max errors non2xx" to $rows.
rows="$out/wrk-rows.txt"
: >"$rows"
run_phase() {
	local mode=$1
	for endpoint in "${endpoints[@]}"; do
		measure "$WARMUP" "$endpoint" >/dev/null
	done
	for round in $(seq 1 "$ROUNDS"); do
		for endpoint in "${endpoints[@]}"; do
			local figures
			figures=$(measure "$DURATION" "$endpoint")
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
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
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
