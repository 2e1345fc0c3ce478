#!/usr/bin/env bash
# The project's test command (README, "The two commands"): installs the programs the tests
# run besides the JDK and Maven, if any is missing, then runs `mvn verify` with the given
# arguments (for example ./verify.sh -Dtiergate.fuzz.seed=42).
#
# The tests need, from Debian's packages:
#   redis-server             a real Redis (the harness can also use the embedded 6.2 binary)
#   chromium, chromium-driver  the demo page's browser test, at /usr/bin/chromium and /usr/bin/chromedriver
#   prometheus               the dashboard test on a real Prometheus (on the PATH or /usr/bin/prometheus)
# As root with apt-get, missing ones are installed without prompts; otherwise the script
# names what to install and fails. The tests themselves never skip: without these they fail.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ] || missing+=(prometheus)

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "verify.sh: the tests need ${missing[*]} (Debian packages), and this is not root with apt-get." >&2
		echo "Install them, for example: sudo apt-get install ${missing[*]}" >&2
		echo "(elsewhere: Redis 6.2+, Chromium with its ChromeDriver at /usr/bin/chromium and /usr/bin/chromedriver," >&2
		echo "and Prometheus 2.x on the PATH), then run ./verify.sh again." >&2
		exit 1
	fi
	echo "verify.sh: installing ${missing[*]}"
	# The redis-server and prometheus packages would start services (on 6379 and 9090): the
	# tests start their own on free ports, so keep the install from starting any, as
	# invoke-rc.d(8) allows, unless the machine has a policy of its own.
	policy=/usr/sbin/policy-rc.d
	own_policy=false
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod +x "$policy"
		own_policy=true
		trap 'rm -f "$policy"' EXIT
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >/dev/null
	if $own_policy; then
		rm -f "$policy"
		trap - EXIT
	fi
fi

mvn verify "$@"
