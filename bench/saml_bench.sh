#!/usr/bin/env bash
# Signed SAML Responses per second from the mock Okta's SAML 2.0 IdP
# (IdP-initiated sign-in: GET of the app's SSO URL with a session cookie →
# the auto-submitting form with a SAMLResponse whose Assertion and Response
# are both signed) and its latency, against the bare libxmlsec1 signing loop
# over the same document measured in the same process (the ceiling).
# bench/SAML.md is the report.
#
# Usage: bench/saml_bench.sh [RUNS] [-- saml_bench arguments]
#   RUNS defaults to 3; the tool's defaults are --seconds 5 --clients 1,4
#   --sign-seconds 3 (see bench/saml_bench.cpp).
# Environment:
#   SAML_BUILD   build tree [build-bench-saml]; the tool is built there
#                Release -O2 (as bench/signon_bench.sh builds), only its target
# Every run is one process: the mock Okta (in memory) with C = 1 and C = 4
# client threads, then the ceilings (bare xmlsec on 1 thread and on every
# core, the module's SignXml, bare xmlsec with the key lent instead of
# duplicated, a raw RSA-SHA256 signature with and without a key copy). Prints each run's
# figures, then the median (min-max) over the runs, as Markdown tables; each
# run's JSON is kept in $SAML_BUILD/runs/. Exits 1 if any sign-in failed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${1:-3}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/saml_bench.sh [RUNS] [-- tool arguments]" >&2; exit 2; }
shift || true
[ "${1:-}" = "--" ] && shift
OUT=${SAML_BUILD:-$ROOT/build-bench-saml}
command -v jq >/dev/null || { echo "jq is missing: apt-get install jq" >&2; exit 2; }
log() { printf '[saml %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

mkdir -p "$OUT" && echo '*' >"$OUT/.gitignore"  # keep the build and the runs out of git
log "building saml_bench (Release, -O2) into ${OUT#"$ROOT"/}"
cmake -S bench -B "$OUT" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
cmake --build "$OUT" -j "$(nproc)" --target saml_bench >/dev/null
TOOL=$OUT/saml_bench
rm -rf "$OUT/runs" && mkdir -p "$OUT/runs"

echo "saml_bench, $RUNS runs, $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
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
    "| run | load at start / end | C | responses/s | p50 / p99 ms | failures | bare xmlsec responses/s (1 thread / all cores) |",
    "|---:|---|---:|---:|---|---:|---|",
    ( range(0; $all | length) as $i | $all[$i] as $run | $run.runs[]
      | "| \($i + 1) | \($run.load_start) / \($run.load_end) | \(.clients) | \(.responses_per_s | r1) | \(.p50_ms | r3) / \(.p99_ms | r3) | \(.failures) | \($run.ceiling.bare_xmlsec_1_thread.responses_per_s | r1) / \($run.ceiling.bare_xmlsec_all_cores.responses_per_s // 0 | r1) |" ),
    "",
    "Median (min-max) over \($all | length) runs (Response \($all[0].response_bytes) bytes signed):",
    "",
    "| C | signed responses/s | % of bare xmlsec | p50 ms | p90 ms | p99 ms | server CPU µs / response | client CPU µs / response | process CPU % | bare xmlsec share of server CPU % | failures |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ( [ $all[].runs[] ] | group_by(.clients) | .[]
      | "| \(.[0].clients) | \(spread(.responses_per_s)) | \(spread(.pct_of_ceiling)) | \(spread3(.p50_ms)) | \(spread3(.p90_ms)) | \(spread3(.p99_ms)) | \(spread(.server_cpu_us_per_response)) | \(spread(.client_cpu_us_per_response)) | \(spread(.cpu_process_pct)) | \(spread(.bare_share_of_server_cpu_pct)) | \([.[].failures] | add) |" ),
    "",
    "Ceiling (xmlsec \($all[0].ceiling.xmlsec), libxml2 \($all[0].ceiling.libxml2), \($all[0].ceiling.openssl), \($all[0].ceiling.key_bits)-bit key), median (min-max):",
    "",
    "| loop | iterations/s | signatures/s | responses/s (÷ 2 signatures) | p50 µs / iteration | p99 µs / iteration | CPU µs / iteration | CPU % |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    "| bare xmlsec (parse, 2 × xmlSecDSigCtxSign, dump), 1 thread | \(spread(.ceiling.bare_xmlsec_1_thread.per_s)) | \(spread(.ceiling.bare_xmlsec_1_thread.signatures_per_s)) | \(spread(.ceiling.bare_xmlsec_1_thread.responses_per_s)) | \(spread(.ceiling.bare_xmlsec_1_thread.p50_us)) | \(spread(.ceiling.bare_xmlsec_1_thread.p99_us)) | \(spread(.ceiling.bare_xmlsec_1_thread.cpu_us_per_iteration)) | \(spread(.ceiling.bare_xmlsec_1_thread.cpu_pct)) |",
    ( select($all[0].ceiling.bare_xmlsec_all_cores)
      | "| bare xmlsec, \($all[0].ceiling.bare_xmlsec_all_cores.threads) threads | \(spread(.ceiling.bare_xmlsec_all_cores.per_s)) | \(spread(.ceiling.bare_xmlsec_all_cores.signatures_per_s)) | \(spread(.ceiling.bare_xmlsec_all_cores.responses_per_s)) | \(spread(.ceiling.bare_xmlsec_all_cores.p50_us)) | \(spread(.ceiling.bare_xmlsec_all_cores.p99_us)) | \(spread(.ceiling.bare_xmlsec_all_cores.cpu_us_per_iteration)) | \(spread(.ceiling.bare_xmlsec_all_cores.cpu_pct)) |" ),
    "| okta::signon::saml::SignXml (2 signatures), 1 thread | \(spread(.ceiling.sign_xml_1_thread.per_s)) | \(spread(.ceiling.sign_xml_1_thread.signatures_per_s)) | \(spread(.ceiling.sign_xml_1_thread.responses_per_s)) | \(spread(.ceiling.sign_xml_1_thread.p50_us)) | \(spread(.ceiling.sign_xml_1_thread.p99_us)) | \(spread(.ceiling.sign_xml_1_thread.cpu_us_per_iteration)) | \(spread(.ceiling.sign_xml_1_thread.cpu_pct)) |",
    "| bare xmlsec, the loaded key lent (no xmlSecKeyDuplicate), 1 thread | \(spread(.ceiling.bare_xmlsec_shared_key_1_thread.per_s)) | \(spread(.ceiling.bare_xmlsec_shared_key_1_thread.signatures_per_s)) | \(spread(.ceiling.bare_xmlsec_shared_key_1_thread.responses_per_s)) | \(spread(.ceiling.bare_xmlsec_shared_key_1_thread.p50_us)) | \(spread(.ceiling.bare_xmlsec_shared_key_1_thread.p99_us)) | \(spread(.ceiling.bare_xmlsec_shared_key_1_thread.cpu_us_per_iteration)) | \(spread(.ceiling.bare_xmlsec_shared_key_1_thread.cpu_pct)) |",
    "| raw EVP_DigestSign RSA-SHA256 on EVP_PKEY_dup of the key, 1 thread | \(spread(.ceiling.raw_rsa_dup_key_1_thread.per_s)) | \(spread(.ceiling.raw_rsa_dup_key_1_thread.signatures_per_s)) | \(spread(.ceiling.raw_rsa_dup_key_1_thread.responses_per_s)) | \(spread(.ceiling.raw_rsa_dup_key_1_thread.p50_us)) | \(spread(.ceiling.raw_rsa_dup_key_1_thread.p99_us)) | \(spread(.ceiling.raw_rsa_dup_key_1_thread.cpu_us_per_iteration)) | \(spread(.ceiling.raw_rsa_dup_key_1_thread.cpu_pct)) |",
    "| raw EVP_DigestSign RSA-SHA256, 1 thread | \(spread(.ceiling.raw_rsa_1_thread.per_s)) | \(spread(.ceiling.raw_rsa_1_thread.signatures_per_s)) | \(spread(.ceiling.raw_rsa_1_thread.responses_per_s)) | \(spread(.ceiling.raw_rsa_1_thread.p50_us)) | \(spread(.ceiling.raw_rsa_1_thread.p99_us)) | \(spread(.ceiling.raw_rsa_1_thread.cpu_us_per_iteration)) | \(spread(.ceiling.raw_rsa_1_thread.cpu_pct)) |"
' "$OUT"/runs/run-*.json
echo
echo "failures over all runs: $(jq -s '[.[].failures] | add' "$OUT"/runs/run-*.json); JSON per run in ${OUT#"$ROOT"/}/runs/"
exit "$rc"
