# What run.sh and run-webflux.sh share: sourced by them, not run on its own.
# Expects here (this directory) to be set; sets the settings' defaults, root and out.

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}

root=$(cd "$here/../.." && pwd)
out="$root/benchmarks/target"
mkdir -p "$out"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

# Starts an application with Maven (mvn -q -pl MODULE -am spring-boot:run) on a free port
# and waits up to 300 s until BASE/bench/plain answers; it runs in its own process group, so
# that stopping it (when the script exits) stops the JVM that spring-boot:run forks too.
# Usage: launch MODULE LOG WHAT; sets base (its URL) and app (the process group).
launch() {
	local port
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
	base="http://127.0.0.1:$port"
	echo "Starting $3 on port $port (log: $2)"
	(cd "$root" && exec setsid mvn -q -pl "$1" -am spring-boot:run \
		-Dspring-boot.run.arguments="--server.port=$port --logging.level.root=warn") >"$2" 2>&1 &
	app=$!
	trap stop_app EXIT
	for _ in $(seq 1 300); do
		if curl -fs "$base/bench/plain" >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$app" 2>/dev/null; then
			echo "$3 did not start; see $2" >&2
			exit 1
		fi
		sleep 1
	done
	curl -fs "$base/bench/plain" >/dev/null || { echo "$3 did not answer within 300 s; see $2" >&2; exit 1; }
}

stop_app() {
	kill -- -"$app" 2>/dev/null || true
	wait "$app" 2>/dev/null || true
}

# One wrk run of DURATION against BASE/bench/ENDPOINT; prints "rps p50 p90 p99 p999 max errors non2xx".
# Usage: measure DURATION BASE ENDPOINT
measure() {
	local line
	line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" -s "$here/report.lua" "$2/bench/$3" | grep '^RESULT ')
	echo "$line" | sed -E 's/RESULT rps=([0-9]+) p50=([0-9]+) p90=([0-9]+) p99=([0-9]+) p999=([0-9]+) max=([0-9]+) errors=([0-9]+) non2xx=([0-9]+)/\1 \2 \3 \4 \5 \6 \7 \8/'
}

div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# The median of the numbers on standard input.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
