#!/usr/bin/env bash
# Retention of the mock Okta's traffic records and System Log (issue 16 item
# 4): `--keep-records N` keeps the newest N, `--keep-records-for SPAN` drops
# what is older than SPAN of real time even when nothing new is written; a bad
# span is a usage error. And the HAR export of what is kept holds no credential.
set -u
BIN=$1
. "$(dirname "$0")/cli_lib.sh"

start() {  # start NAME ARGS...: `up` in memory; sets PID, ORG, APP
  local name=$1; shift
  "$BIN" --log-level warn up --in-memory --okta-port 0 --scim-port 0 --encryption-port 0 --okta-token t "$@" \
    >"$TMP/$name.out" 2>&1 &
  PID=$!
  for _ in $(seq 100); do grep -q "Press Ctrl" "$TMP/$name.out" 2>/dev/null && break; sleep 0.1; done
  ORG=$(sed -nE 's/.*Org URL *: *(http[^ ]*).*/\1/p' "$TMP/$name.out" | head -1)
  APP=$(curl -sf -H "Authorization: SSWS t" "$ORG/api/v1/apps" | sed -nE 's/^\[\{"id":"([^"]+)".*/\1/p')
}
stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=; }
connector() { curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' \
  "$ORG/sandbox/apps/$APP/test-connector"; }
traffic_count() { curl -sf "$ORG/sandbox/traffic?limit=1000" | grep -o '"jobKind"' | wc -l; }

start count --keep-records 3
check "up started with --keep-records" '[ -n "$APP" ]'
for _ in 1 2 3 4 5; do connector; done
n=$(traffic_count)
check "--keep-records 3 keeps 3 traffic records after 5 Test Connector calls (got $n)" '[ "$n" = 3 ]'
# What is kept and exported holds no credential (issue 15 item 15): the HAR a support engineer shares has the
# Authorization scheme only, never the SCIM bearer token the requests carried.
BEARER=$(sed -nE 's/.*Bearer \(secret token\) *: *([^ ]+).*/\1/p' "$TMP/count.out" | head -1)
"$BIN" traffic export --har "$TMP/export.har" --from "$ORG" >/dev/null 2>&1
check "up printed the SCIM bearer token" '[ ${#BEARER} -ge 20 ]'
check "the HAR holds the exchanges with Authorization redacted" 'grep -q "Bearer \*\*\*" "$TMP/export.har"'
check "the HAR never holds the SCIM bearer token" '! grep -qF "$BEARER" "$TMP/export.har"'
stop

start age --keep-records-for 2s
for _ in 1 2; do connector; done
n=$(traffic_count)
check "records are there at first (got $n)" '[ "$n" -ge 2 ]'
sleep 4.5  # 2 s limit + its 1 s window + the writer's 0.5 s round, nothing written meanwhile
n=$(traffic_count)
check "--keep-records-for 2s: none left 4.5 s later (got $n)" '[ "$n" = 0 ]'
stop

"$BIN" up --in-memory --keep-records-for 5x >"$TMP/bad.out" 2>&1; rc=$?
check "a span with an unknown unit is a usage error (exit 2, got $rc)" '[ "$rc" = 2 ]'

finish cli_retention
