#!/usr/bin/env bash
# The mock's traffic log and System Log under a long run (issue 16 item 4):
# `okta-sandbox up` on a fresh data folder, then Test Connector called over and
# over for DURATION seconds by wrk (each call: one or two recorded SCIM
# exchanges and a System Log event). Every SAMPLE_S seconds: the records kept
# (/sandbox/traffic paged to its end is too slow to count, so the newest seq and
# the page count are read from the data folder's okta.db with sqlite3 if it is
# installed), the process's RSS and the okta.db + WAL size. With the retention
# limits (count and age) the RSS and the files level off; without them
# they grow. Writes bench/RETENTION.md.
#
#   bench/retention_bench.sh [DURATION_S] [KEEP]       (defaults 300, 20000)
#
# Environment: OKTA_SANDBOX_BIN [build/app/okta-sandbox], SAMPLE_S [10],
# CONNS [4] wrk connections, REPORT [bench/RETENTION.md].
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-300}
KEEP=${2:-20000}
BIN=${OKTA_SANDBOX_BIN:-$ROOT/build/app/okta-sandbox}
SAMPLE_S=${SAMPLE_S:-10}
CONNS=${CONNS:-4}
REPORT=${REPORT:-$ROOT/bench/RETENTION.md}
[ -x "$BIN" ] || { echo "no binary at $BIN (make build, or set OKTA_SANDBOX_BIN)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
UP=""
cleanup() { [ -n "$UP" ] && kill -TERM "$UP" 2>/dev/null && wait "$UP" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" --log-level warn up --data-dir "$WORK/data" --okta-port 0 --scim-port 0 --encryption-port 0 \
  --okta-token bench-okta --keep-records "$KEEP" >"$WORK/up.log" 2>&1 &
UP=$!
for _ in $(seq 100); do grep -q "Press Ctrl" "$WORK/up.log" && break; sleep 0.1; done
ORG=$(sed -nE 's/.*Org URL *: *(http[^ ]*).*/\1/p' "$WORK/up.log" | head -1)
[ -n "$ORG" ] || { cat "$WORK/up.log" >&2; exit 1; }
APP=$(curl -sf -H "Authorization: SSWS bench-okta" "$ORG/api/v1/apps" | sed -nE 's/^\[\{"id":"([^"]+)".*/\1/p')
[ -n "$APP" ] || { echo "no preset app" >&2; exit 1; }

cat >"$WORK/test_connector.lua" <<LUA
wrk.method = "POST"
wrk.path = "/sandbox/apps/$APP/test-connector"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "{}"
LUA

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$UP/status"; }
files_mb() { du -cm "$WORK"/data/okta.db* 2>/dev/null | tail -1 | cut -f1; }
kept() {
  if command -v sqlite3 >/dev/null; then
    sqlite3 -readonly "file:$WORK/data/okta.db?mode=ro" "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM traffic" 2>/dev/null |
      tr '|' ' '
  else
    echo "- -"
  fi
}

wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s -s "$WORK/test_connector.lua" "$ORG" >"$WORK/wrk.out" 2>&1 &
WRK=$!
ROWS="| t (s) | traffic rows kept | traffic records written | RSS (MB) | okta.db + WAL (MB) | load |"$'\n'"|---:|---:|---:|---:|---:|---|"
START=$(date +%s)
while kill -0 "$WRK" 2>/dev/null; do
  sleep "$SAMPLE_S"
  read -r n maxseq <<<"$(kept)"
  ROWS+=$'\n'"| $(( $(date +%s) - START )) | $n | $maxseq | $(rss_mb) | $(files_mb) | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo "$ROWS" | tail -1 >&2
done
wait "$WRK" || true
REQS=$(sed -nE 's/^Requests\/sec: *([0-9.]+).*/\1/p' "$WORK/wrk.out")

{
  echo "# Retention of the mock's traffic log and System Log under a long run"
  echo
  echo "\`bench/retention_bench.sh $DURATION $KEEP\` on $(date -u +%F), commit $(git -C "$ROOT" rev-parse --short HEAD),"
  echo "$(nproc) cores. \`okta-sandbox up --keep-records $KEEP\` (the newest $KEEP traffic records and System Log"
  echo "events; the default is 100,000, plus an age limit of 7 days), a fresh data folder; wrk, $CONNS connections,"
  echo "calling Test Connector for $DURATION s ($REQS calls/s; each records its SCIM exchanges and a System Log event)."
  echo
  echo "$ROWS"
  echo
  echo "Read: once the rows kept reach the limit, they stay there while the records written keep climbing; the RSS and"
  echo "the database files level off instead of growing with the records written."
} >"$REPORT"
echo "wrote $REPORT" >&2
