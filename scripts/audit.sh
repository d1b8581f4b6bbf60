#!/usr/bin/env bash
# Known vulnerabilities in the pinned dependencies of both environments (pip-audit), for
# `make audit` and CI. Each lock file is checked against the OSV database, or PyPI's
# vulnerability data when OSV cannot be reached. Prints one summary line per lock file and
# writes the full JSON reports to var/audit/.
#
# Exit status: 0 no known vulnerabilities; 1 vulnerabilities found (listed); 2 a lock file could
# not be audited at all (no vulnerability service reachable, or it knows none of the packages).
set -uo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT=.venv/bin/pip-audit
PY=.venv/bin/python
OUT=var/audit
LOCKS=(requirements/app.lock requirements/rasa.lock)
mkdir -p "$OUT"
[ -x "$PIP_AUDIT" ] || { echo "pip-audit is missing: run \`make setup\`" >&2; exit 2; }

worst=0
for lock in "${LOCKS[@]}"; do
  name=$(basename "$lock" .lock)
  result=""
  for service in osv pypi; do
    report="$OUT/$name-$service.json"
    "$PIP_AUDIT" -r "$lock" --no-deps --disable-pip --progress-spinner off -s "$service" \
      -f json -o "$report" 2>"$OUT/$name-$service.log"
    code=$?
    if [ -s "$report" ]; then                 # pip-audit wrote a report (1 = vulnerabilities found)
      result=$("$PY" - "$report" "$service" "$lock" <<'PYEOF'
import json, sys
report, service, lock = sys.argv[1:]
deps = json.load(open(report))["dependencies"]
skipped = [d for d in deps if d.get("skip_reason")]
audited = [d for d in deps if not d.get("skip_reason")]
vulnerable = [d for d in audited if d.get("vulns")]
print(f"{lock} ({service}): {len(audited)} of {len(deps)} packages audited, "
      f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities in {len(vulnerable)} packages")
if skipped:
    print(f"  could not be audited: {len(skipped)}, e.g. {skipped[0]['skip_reason']}")
for d in vulnerable:
    for v in d["vulns"]:
        fix = ", ".join(v.get("fix_versions") or []) or "no fixed version"
        print(f"  {d['name']} {d['version']}: {v['id']} (fixed in: {fix})")
sys.exit(1 if vulnerable else (2 if not audited else 0))
PYEOF
)
      status=$?
      if [ "$status" -ne 2 ] || [ "$service" = pypi ]; then break; fi
    else
      result="$lock ($service): not audited: $(tail -n 1 "$OUT/$name-$service.log" | cut -c1-300)"
      [ -s "$OUT/$name-$service.log" ] || result="$lock ($service): not audited: pip-audit exited with $code"
      status=2
    fi
    echo "$result" | sed -n 1p                   # what was tried before falling back
  done
  echo "$result"
  [ "$status" -gt "$worst" ] && worst=$status
done

case $worst in
  0) echo "audit: no known vulnerabilities" ;;
  1) echo "audit: vulnerabilities found (above)" ;;
  *) echo "audit: incomplete: a lock file could not be audited (no vulnerability service reachable; see $OUT/*.log)" ;;
esac
exit "$worst"
