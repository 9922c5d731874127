#!/usr/bin/env bash
# How long `okta-sandbox check` takes for a full run (every check, both client
# profiles, groups on) against the built-in SCIM server. Issue 14's target:
# under 10 s on the 2-core development machine.
#
# Usage: bench/check_bench.sh [BINARY] [RUNS]
#   BINARY defaults to build/app/okta-sandbox, RUNS to 5.
# Runs against two servers: in memory, and with a SQLite data folder (durable
# writes, as `okta-sandbox up` runs it). Both without the encryption service
# (--groups-without-encryption) so the group checks run. Prints each run's
# wall time, exit code and summary line, then min / median / max per server.
#
# Measured 2026-11-29 on the 2-core development machine (busy with other
# builds), Release -O1, 5 runs each: in memory median 0.68 s (0.59-1.56 s),
# data folder median 2.3 s (1.4-2.5 s) per full run of 47 checks (about 620
# SCIM exchanges): 47 passed, 0 failed, 0 warnings.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build/app/okta-sandbox}"
runs="${2:-5}"
[ -x "$bin" ] || { echo "no binary at $bin (build it: make build)" >&2; exit 2; }
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
token="check-bench-token"

start() {
  "$bin" scim-server --port 0 --token "$token" --groups-without-encryption "$@" > "$work/server.txt" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q "Bearer (secret token)" "$work/server.txt" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/.*SCIM connector base URL : \(.*\)$/\1/p' "$work/server.txt")
}
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

bench() {  # bench LABEL: $runs full runs against $base
  local label="$1" times=() t0 t1 ms rc summary
  for i in $(seq 1 "$runs"); do
    t0=$(date +%s%N)
    set +e
    "$bin" check --url "$base" --token "$token" > "$work/out.txt" 2>&1
    rc=$?
    set -e
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    times+=("$ms")
    summary=$(grep -E '^[0-9]+ passed, ' "$work/out.txt" || echo "no summary")
    printf '  %-12s run %d: %6d ms  exit %d  %s\n' "$label" "$i" "$ms" "$rc" "$summary"
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  local min max med
  min=$(echo "$sorted" | head -n1)
  max=$(echo "$sorted" | tail -n1)
  med=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-12s min %d ms, median %d ms, max %d ms (%d runs; target < 10000 ms)\n' "$label" "$min" "$med" "$max" "$runs"
}

echo "okta-sandbox check, full run (both profiles, groups on), $(nproc) cores, $("$bin" --version)"
start --in-memory
bench "in-memory"
stop
start --data-dir "$work/data"
bench "data-folder"
stop
