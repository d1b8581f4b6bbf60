#!/usr/bin/env bash
# Prints the path of a Python interpreter of the given minor version (3.10 or 3.11):
# `pythonX.Y` on PATH, else pyenv's, else fails with a message that says how to get one.
set -euo pipefail
want="$1"
# (a pyenv shim is on PATH even when that version is not active: check that it runs)
if command -v "python$want" >/dev/null 2>&1 && "python$want" -c "" >/dev/null 2>&1; then
  command -v "python$want"; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E "^$want(\.|$)" | sort -rV); do
    p="$(pyenv prefix "$v")/bin/python$want"
    if [ -x "$p" ]; then echo "$p"; exit 0; fi
  done
fi
if [ "$want" = "3.11" ] && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  command -v python3; exit 0
fi
echo "Python $want was not found. Install it (for example 'pyenv install $want' or your" >&2
echo "distribution's python$want package) so that python$want is on PATH, then run make again." >&2
exit 1
