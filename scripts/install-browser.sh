#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium, and axe-core from npm (served
# locally to the pages under test). Skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    # `make test` runs this beside the other installer (make -j2): one apt-get at a time.
    exec 9>/tmp/mukaan-apt.lock && flock 9
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium)." >&2
    exit 1
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm install --no-audit --no-fund --silent
fi
