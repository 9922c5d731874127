#!/usr/bin/env bash
# Sign-ins per second through the mock Okta's OIDC endpoints (POST
# /api/v1/authn → authorize with the sessionToken and PKCE → token) and the
# latency of the authorize and token requests, against the bare OpenSSL RS256
# signing loop measured in the same process (the ceiling). bench/SIGNON.md is
# the report.
#
# Usage: bench/signon_bench.sh [RUNS] [-- signon_bench arguments]
#   RUNS defaults to 3; the tool's defaults are --seconds 5 --clients 1,4
#   --store memory,folder --sign-seconds 3 (see bench/signon_bench.cpp).
# Environment:
#   SIGNON_BUILD   build tree [build-bench-signon]; the tool is built there
#                  Release -O2 (as bench/e2e_provision.sh builds), only its target
# Every run is one process: the ceiling first, then per store (in memory, a
# data folder under the build tree on disk) C = 1 and C = 4 client threads.
# Prints each run's figures, then the median (min-max) over the runs, as
# Markdown tables; each run's JSON is kept in $SIGNON_BUILD/runs/. Exits 1 if
# any sign-in failed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${1:-3}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/signon_bench.sh [RUNS] [-- tool arguments]" >&2; exit 2; }
shift || true
[ "${1:-}" = "--" ] && shift
OUT=${SIGNON_BUILD:-$ROOT/build-bench-signon}
command -v jq >/dev/null || { echo "jq is missing: apt-get install jq" >&2; exit 2; }
log() { printf '[signon %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

mkdir -p "$OUT" && echo '*' >"$OUT/.gitignore"  # keep the build and the runs out of git
log "building signon_bench (Release, -O2) into ${OUT#"$ROOT"/}"
cmake -S bench -B "$OUT" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
cmake --build "$OUT" -j "$(nproc)" --target signon_bench >/dev/null
TOOL=$OUT/signon_bench
rm -rf "$OUT/runs" && mkdir -p "$OUT/runs/tmp"
export TMPDIR=$OUT/runs/tmp  # the data-folder store: on the build tree's disk, not a tmpfs

echo "signon_bench, $RUNS runs, $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "command: ${TOOL#"$ROOT"/} $*"
rc=0
for i in $(seq 1 "$RUNS"); do
  log "run $i/$RUNS, load $(cut -d' ' -f1-3 /proc/loadavg)"
  set +e
  "$TOOL" "$@" >"$OUT/runs/run-$i.json"
  code=$?
  set -e
  [ "$code" -eq 0 ] || { log "run $i exited $code"; rc=1; }
done

jq -s -r '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def r1: . * 10 | round / 10;
  def r3: . * 1000 | round / 1000;
  def spread(f): [.[] | f] as $v | "\($v | median | r1) (\($v | min | r1)-\($v | max | r1))";
  def spread3(f): [.[] | f] as $v | "\($v | median | r3) (\($v | min | r3)-\($v | max | r3))";
  . as $all
  | "",
    "Per run:",
    "",
    "| run | load at start / end | store | C | sign-ins/s | authorize p50/p99 ms | token p50/p99 ms | failures | raw RS256 sig/s (1 thread / all cores) |",
    "|---:|---|---|---:|---:|---|---|---:|---|",
    ( range(0; $all | length) as $i | $all[$i] as $run | $run.runs[]
      | "| \($i + 1) | \($run.load_start) / \($run.load_end) | \(.store) | \(.clients) | \(.signins_per_s | r1) | \(.authorize.p50_ms | r3) / \(.authorize.p99_ms | r3) | \(.token.p50_ms | r3) / \(.token.p99_ms | r3) | \(.failures) | \($run.ceiling.raw_1_thread.per_s // 0 | r1) / \($run.ceiling.raw_all_cores.per_s // 0 | r1) |" ),
    "",
    "Median (min-max) over \($all | length) runs:",
    "",
    "| store | C | sign-ins/s | % of ceiling | authn p50 ms | authorize p50 ms | authorize p90 ms | authorize p99 ms | token p50 ms | token p90 ms | token p99 ms | server CPU µs / sign-in | failures |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ( [ $all[].runs[] ] | group_by([.store, .clients]) | sort_by(.[0].store != "memory", .[0].clients) | .[]
      | "| \(.[0].store) | \(.[0].clients) | \(spread(.signins_per_s)) | \(spread(.pct_of_ceiling // 0)) | \(spread3(.authn.p50_ms)) | \(spread3(.authorize.p50_ms)) | \(spread3(.authorize.p90_ms)) | \(spread3(.authorize.p99_ms)) | \(spread3(.token.p50_ms)) | \(spread3(.token.p90_ms)) | \(spread3(.token.p99_ms)) | \(spread(.server_cpu_us_per_signin)) | \([.[].failures] | add) |" ),
    "",
    ( [ $all[] | select(.ceiling) ] | select(length > 0)
      | "Ceiling (\(.[0].ceiling.openssl), \(.[0].ceiling.key_bits)-bit key), median (min-max):",
        "",
        "| loop | signatures/s | p50 µs | p99 µs | sign-ins/s (÷ 2) |",
        "|---|---:|---:|---:|---:|",
        "| bare EVP_DigestSign, 1 thread | \(spread(.ceiling.raw_1_thread.per_s)) | \(spread(.ceiling.raw_1_thread.p50_us)) | \(spread(.ceiling.raw_1_thread.p99_us)) | \(spread(.ceiling.raw_1_thread.signins_per_s)) |",
        ( select(.[0].ceiling.raw_all_cores)
          | "| bare EVP_DigestSign, \(.[0].ceiling.raw_all_cores.threads) threads | \(spread(.ceiling.raw_all_cores.per_s)) | \(spread(.ceiling.raw_all_cores.p50_us)) | \(spread(.ceiling.raw_all_cores.p99_us)) | \(spread(.ceiling.raw_all_cores.signins_per_s)) |" ),
        "| okta::signon::SignJwt, 1 thread | \(spread(.ceiling.sign_jwt_1_thread.per_s)) | \(spread(.ceiling.sign_jwt_1_thread.p50_us)) | \(spread(.ceiling.sign_jwt_1_thread.p99_us)) | \(spread(.ceiling.sign_jwt_1_thread.signins_per_s)) |" )
' "$OUT"/runs/run-*.json
echo
echo "failures over all runs: $(jq -s '[.[].failures] | add' "$OUT"/runs/run-*.json); JSON per run in ${OUT#"$ROOT"/}/runs/"
exit "$rc"
