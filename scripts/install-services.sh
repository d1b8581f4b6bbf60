#!/usr/bin/env bash
# Installs the servers the multi-instance tests start on loopback: Debian's redis-server.
# Only the program is needed: no system-wide service is started or enabled here (the tests
# start their own `redis-server --port N --save '' --appendonly no`). Skips what is there.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    # policy-rc.d 101 keeps the package's maintainer scripts from starting the service.
    policy=/usr/sbin/policy-rc.d
    created=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created=1
    fi
    trap '[ "$created" = 1 ] && rm -f "$policy"' EXIT
    # `make test` runs this beside the other installer (make -j2): one apt-get at a time.
    exec 9>/tmp/mukaan-apt.lock && flock 9
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: install Debian's 'redis-server' package (sudo apt-get install redis-server)." >&2
    exit 1
  fi
fi
