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
#
# The autoconfigure suite also runs a second time on virtual threads, on a JDK 21 or later
# (autoconfigure/pom.xml, profile virtual-threads), when one is found: the first of
# $TIERGATE_JDK21_HOME (which must be one), $JAVA_HOME, and the newest of /usr/lib/jvm/*
# whose `java -version` is 21 or more. The build itself stays on the JDK that runs Maven. Without such a JDK the
# script says that the virtual-thread run was not done, and the rest runs as before.
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

# The major version of a JDK's java, or nothing when it does not run ("1.8.0" is 8).
java_major() {
	local version
	version=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
	case "$version" in
		1.*) version=${version#1.} ;;
	esac
	echo "${version%%[.+-]*}"
}

virtual_threads_java() {
	local home java major best="" best_major=0
	if [ -n "${TIERGATE_JDK21_HOME:-}" ]; then
		major=$(java_major "$TIERGATE_JDK21_HOME/bin/java")
		if [ -z "$major" ] || [ "$major" -lt 21 ]; then
			echo "verify.sh: TIERGATE_JDK21_HOME=$TIERGATE_JDK21_HOME is not a JDK 21 or later (its bin/java says: ${major:-nothing})." >&2
			return 1
		fi
		echo "$TIERGATE_JDK21_HOME/bin/java"
		return
	fi
	if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
		major=$(java_major "$JAVA_HOME/bin/java")
		if [ -n "$major" ] && [ "$major" -ge 21 ]; then
			echo "$JAVA_HOME/bin/java"
			return
		fi
	fi
	for home in /usr/lib/jvm/*/; do
		java="${home%/}/bin/java"
		[ -x "$java" ] || continue
		major=$(java_major "$java")
		if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
			best="$java"
			best_major="$major"
		fi
	done
	echo "$best"
}

virtual_threads=()
case " $* " in
	*" -Dtiergate.virtual-threads.java="*)
		echo "verify.sh: the virtual-thread run uses the JDK given on the command line" ;;
	*)
		java=$(virtual_threads_java) || exit 1
		if [ -n "$java" ]; then
			echo "verify.sh: the autoconfigure suite also runs on virtual threads, on $java ($(java_major "$java"))"
			virtual_threads=("-Dtiergate.virtual-threads.java=$java")
		else
			echo "verify.sh: NO VIRTUAL-THREAD RUN: no JDK 21 or later found (TIERGATE_JDK21_HOME is not set," >&2
			echo "verify.sh: and neither JAVA_HOME nor /usr/lib/jvm/* has one); the suite runs on this JDK only." >&2
			echo "verify.sh: Set TIERGATE_JDK21_HOME to a JDK 21+ to run it on virtual threads as well." >&2
		fi ;;
esac

mvn verify ${virtual_threads[@]+"${virtual_threads[@]}"} "$@"
