#!/usr/bin/env bash
# --quiet (before or after the command) prints only errors and what the
# command is for: each command that prints progress, hints, notes or log
# lines is run with and without it.
set -u
BIN=$1
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

# Runs a service in the background until its output has $1, then SIGINT; out/err in $TMP/$2.{out,err}.
service() {
  local ready=$1 name=$2
  shift 2
  "$BIN" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  local pid=$!
  for _ in $(seq 100); do grep -q "$ready" "$TMP/$name.out" 2>/dev/null && break; sleep 0.1; done
  kill -INT "$pid"
  wait "$pid"
  echo $? >"$TMP/$name.rc"
}

# The services: their addresses and credentials stay; the hint, the stop line and log lines go.
service "Admin secret" up.loud up --in-memory --okta-port 0 --scim-port 0 --encryption-port 0
service "Admin secret" up.quiet --quiet up --in-memory --okta-port 0 --scim-port 0 --encryption-port 0
check "up: the addresses and secrets (both)" \
  'grep -q "Org URL" "$TMP/up.loud.out" && grep -q "Org URL" "$TMP/up.quiet.out" && grep -q "Admin secret" "$TMP/up.quiet.out"'
check "up without --quiet: hint, stop line, log lines" \
  'grep -q "Press Ctrl+C" "$TMP/up.loud.out" && grep -q "okta-sandbox stopped" "$TMP/up.loud.out" && grep -q "Z info " "$TMP/up.loud.out"'
check "up --quiet: no hint, no stop line, no log lines" \
  '! grep -q "Press Ctrl+C\|stopped\|Z info \|Z warn" "$TMP/up.quiet.out"'
check "up --quiet: nothing on stderr" '[ ! -s "$TMP/up.quiet.err" ] || { cat "$TMP/up.quiet.err"; false; }'
check "up --quiet: exit 0" '[ "$(cat "$TMP/up.quiet.rc")" = 0 ]'

service "Bearer" scim.loud scim-server --in-memory --port 0 --bind 0.0.0.0
service "Bearer" scim.quiet scim-server --in-memory --port 0 --bind 0.0.0.0 --quiet
check "scim-server: the base URL and token (both)" \
  'grep -q "SCIM connector base URL" "$TMP/scim.loud.out" && grep -q "SCIM connector base URL" "$TMP/scim.quiet.out"'
check "scim-server without --quiet: the --bind warning and the stop line" \
  'grep -q "warning: --bind 0.0.0.0" "$TMP/scim.loud.err" && grep -q "SCIM server stopped" "$TMP/scim.loud.out"'
check "scim-server --quiet (after the command): none of them, nothing on stderr" \
  '! grep -q "stopped\|Press Ctrl+C" "$TMP/scim.quiet.out" && [ ! -s "$TMP/scim.quiet.err" ]'

service "API token" okta.loud okta --in-memory --port 0
service "API token" okta.quiet -q okta --in-memory --port 0
check "okta: org URL and token (both)" 'grep -q "Okta org URL" "$TMP/okta.loud.out" && grep -q "Okta org URL" "$TMP/okta.quiet.out"'
check "okta without --quiet: the stop line" 'grep -q "Mock Okta stopped" "$TMP/okta.loud.out"'
check "okta -q: no stop line, nothing on stderr" \
  '! grep -q "stopped" "$TMP/okta.quiet.out" && [ ! -s "$TMP/okta.quiet.err" ]'

service "Secret" enc.loud encryption --in-memory --port 0
service "Secret" enc.quiet --quiet encryption --in-memory --port 0
check "encryption: URL and secret (both)" 'grep -q "Secret :" "$TMP/enc.loud.out" && grep -q "Secret :" "$TMP/enc.quiet.out"'
check "encryption without --quiet: the stop line" 'grep -q "Encryption service stopped" "$TMP/enc.loud.out"'
check "encryption --quiet: no stop line, nothing on stderr" \
  '! grep -q "stopped" "$TMP/enc.quiet.out" && [ ! -s "$TMP/enc.quiet.err" ]'

# seed: its note goes (the filled store is what was asked for).
"$BIN" scim-server seed --users 3 --groups 1 --members-per-group 2 --data-dir "$TMP/seed1" >"$TMP/seed.loud" 2>&1
"$BIN" --quiet scim-server seed --users 3 --groups 1 --members-per-group 2 --data-dir "$TMP/seed2" >"$TMP/seed.quiet" 2>&1; rc=$?
check "seed without --quiet: the note" 'grep -q "Seeded" "$TMP/seed.loud"'
check "seed --quiet: exit 0, no output, the store is there" '[ "$rc" = 0 ] && [ ! -s "$TMP/seed.quiet" ] && [ -s "$TMP/seed2/scim.db" ]'

# scenario run: only the PASS/FAIL/SKIP line and the summary.
"$BIN" scenario run deactivate-users-off --har "$TMP/d.har" >"$TMP/sc.loud" 2>&1
"$BIN" scenario run deactivate-users-off --har "$TMP/d2.har" --quiet >"$TMP/sc.quiet" 2>&1; rc=$?
check "scenario run without --quiet: the header, step and traffic lines" \
  'grep -q "^\[1/1\]" "$TMP/sc.loud" && grep -q "step 1" "$TMP/sc.loud" && grep -q "traffic: " "$TMP/sc.loud"'
check "scenario run --quiet: exit 0, exactly the PASS line and the summary" \
  '[ "$rc" = 0 ] && [ "$(wc -l <"$TMP/sc.quiet")" = 2 ] && grep -q "^  PASS  " "$TMP/sc.quiet" && grep -q "^1 passed, 0 failed" "$TMP/sc.quiet"'
check "scenario run --quiet: the HAR is still written" '[ -s "$TMP/d2.har" ]'

# traffic export to a file: the note goes; to stdout the HAR stays.
"$BIN" okta --in-memory --port 0 >"$TMP/okta.out" 2>/dev/null &
PIDS+=($!)
for _ in $(seq 100); do grep -q "Okta org URL" "$TMP/okta.out" 2>/dev/null && break; sleep 0.1; done
ORG=$(sed -n 's/^ *Okta org URL : //p' "$TMP/okta.out")
"$BIN" traffic export --har "$TMP/t1.har" --from "$ORG" >"$TMP/tx.loud" 2>&1
"$BIN" traffic export --har "$TMP/t2.har" --from "$ORG" --quiet >"$TMP/tx.quiet" 2>&1; rc=$?
check "traffic export without --quiet: the note" 'grep -q "requests written to" "$TMP/tx.loud"'
check "traffic export --quiet: exit 0, no output, the file" '[ "$rc" = 0 ] && [ ! -s "$TMP/tx.quiet" ] && [ -s "$TMP/t2.har" ]'
"$BIN" -q traffic export --har - --from "$ORG" >"$TMP/tx.stdout" 2>"$TMP/tx.stderr"
check "traffic export -q --har -: the HAR on stdout, nothing else" \
  'grep -q "\"log\"" "$TMP/tx.stdout" && [ ! -s "$TMP/tx.stderr" ]'

# check: the "Checking …" line and the report-file notes go; the report stays.
"$BIN" scim-server --in-memory --port 0 --token tok-quiet --groups-without-encryption >"$TMP/sp.out" 2>/dev/null &
PIDS+=($!)
for _ in $(seq 100); do grep -q "Bearer" "$TMP/sp.out" 2>/dev/null && break; sleep 0.1; done
SCIM=$(sed -n 's/^ *SCIM connector base URL : //p' "$TMP/sp.out")
"$BIN" check --url "$SCIM" --token tok-quiet --no-groups --junit "$TMP/j1.xml" >"$TMP/ck.loud" 2>&1; rc_loud=$?
"$BIN" check --url "$SCIM" --token tok-quiet --no-groups --junit "$TMP/j2.xml" --quiet >"$TMP/ck.quiet" 2>&1; rc=$?
check "check without --quiet: the Checking line and the report note" \
  'grep -q "^Checking " "$TMP/ck.loud" && grep -q "JUnit report: " "$TMP/ck.loud"'
check "check --quiet: the same report without them" \
  '[ "$rc" = "$rc_loud" ] && ! grep -q "^Checking \|JUnit report: " "$TMP/ck.quiet" && [ -s "$TMP/j2.xml" ] && [ "$(grep -vc "^Checking \|JUnit report: " "$TMP/ck.loud")" = "$(wc -l <"$TMP/ck.quiet")" ]'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
