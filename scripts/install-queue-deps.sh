#!/usr/bin/env bash
# Postgres and Redis for the queue-mode suite (test/queue), from Debian's packages, installed only when missing.
# Idempotent and quiet: on a machine that has them it prints one line. The suite starts its own instances on
# free local ports (test/queue/harness/services.js), so the packages' system services are not started here.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || need+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && command -v psql >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then
	echo "queue-mode dependencies present: redis $(redis-server --version | cut -d' ' -f3 | cut -d= -f2) / $(ls /usr/lib/postgresql | sort -V | tail -1 | sed 's/^/postgres /')"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "queue-mode suite needs ${need[*]} (Debian packages); run as root or install them" >&2
	exit 1
fi

echo "installing ${need[*]} from Debian's packages"
# Exit code 101 from policy-rc.d tells the packages not to start their system services while installing.
own_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	own_policy=1
fi
trap '[ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
rm -f "$log"
echo "installed: redis $(redis-server --version | cut -d' ' -f3 | cut -d= -f2) / postgres $(ls /usr/lib/postgresql | sort -V | tail -1)"
