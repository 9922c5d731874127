#!/usr/bin/env bash
# Data files are private to the user (folder 0700, files 0600, also when an
# older version left them looser), and binding beyond loopback is not silent.
set -u
BIN=$1
. "$(dirname "$0")/cli_lib.sh"

mkdir -p "$TMP/data" && chmod 0755 "$TMP/data" && touch "$TMP/data/scim.db" && chmod 0644 "$TMP/data/scim.db"
umask 022
"$BIN" --log-level warn scim-server --port 0 --data-dir "$TMP/data" --token t >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 50); do grep -q "listening" "$TMP/out" 2>/dev/null && break; sleep 0.1; done
check "the server started" 'grep -q listening "$TMP/out"'
check "data folder is 0700" '[ "$(stat -c %a "$TMP/data")" = 700 ]'
check "an existing 0644 database is made 0600" '[ "$(stat -c %a "$TMP/data/scim.db")" = 600 ]'
check "the WAL SQLite creates is 0600" '[ ! -e "$TMP/data/scim.db-wal" ] || [ "$(stat -c %a "$TMP/data/scim.db-wal")" = 600 ]'
check "no exposure warning on loopback" '! grep -q "reachable from other machines" "$TMP/err"'
kill "$PID"; wait "$PID" 2>/dev/null; PID=

"$BIN" --log-level warn okta --port 0 --bind 0.0.0.0 --data-dir "$TMP/okta" >"$TMP/out2" 2>"$TMP/err2" &
PID=$!
for _ in $(seq 50); do grep -q "listening" "$TMP/out2" 2>/dev/null && break; sleep 0.1; done
check "binding 0.0.0.0 warns and names what is exposed" 'grep -q "warning: --bind 0.0.0.0 makes the mock Okta and its web console reachable from other machines" "$TMP/err2"'
check "the generated API token file is 0600" '[ "$(stat -c %a "$TMP/okta/okta-api-token")" = 600 ]'
check "okta.db is 0600 though umask was 022" '[ "$(stat -c %a "$TMP/okta/okta.db")" = 600 ]'
kill "$PID"; wait "$PID" 2>/dev/null; PID=

finish
