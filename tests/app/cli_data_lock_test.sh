#!/usr/bin/env bash
# One process per data folder: a second one on the same SQLite files stops
# with a clear message (a lock file); ports outside 0-65535 are refused; usage
# errors print the help (with a suggestion for a mistyped command) and exit 2.
set -u
BIN=$1
. "$(dirname "$0")/cli_lib.sh"

"$BIN" --log-level warn scim-server --port 0 --data-dir "$TMP/data" --token t >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 50); do grep -q "listening" "$TMP/out" 2>/dev/null && break; sleep 0.1; done
check "the first server started" 'grep -q listening "$TMP/out"'
"$BIN" --log-level warn scim-server --port 0 --data-dir "$TMP/data" --token t >"$TMP/out2" 2>"$TMP/err2" &
SECOND=$!
for _ in $(seq 50); do kill -0 "$SECOND" 2>/dev/null || break; sleep 0.1; done
check "a second server on the same folder exits" '! kill -0 "$SECOND" 2>/dev/null'
wait "$SECOND"; rc=$?
check "with status 1" '[ "$rc" = 1 ]'
check "saying which file and which process holds it" 'grep -q "scim.db is in use by another okta-sandbox (pid $PID)" "$TMP/err2"'
kill "$PID"; wait "$PID" 2>/dev/null; PID=
"$BIN" --log-level warn scim-server --port 0 --data-dir "$TMP/data" --token t >"$TMP/out3" 2>"$TMP/err3" &
PID=$!
for _ in $(seq 50); do grep -q "listening" "$TMP/out3" 2>/dev/null && break; sleep 0.1; done
check "once it stopped, the folder can be used again" 'grep -q listening "$TMP/out3"'
kill "$PID"; wait "$PID" 2>/dev/null; PID=

"$BIN" scim-server --port 99999 --in-memory >"$TMP/out4" 2>&1; rc=$?
check "port 99999 is refused" '[ "$rc" != 0 ] && grep -q "not in range 0 to 65535" "$TMP/out4"'
"$BIN" up --okta-port 70000 --in-memory >"$TMP/out5" 2>&1; rc=$?
check "up refuses --okta-port 70000" '[ "$rc" != 0 ] && grep -q "not in range" "$TMP/out5"'

# `up` prints the encryption service's admin secret and leaves it in the data
# folder, so `encryption faults --data-dir` works against it.
"$BIN" --log-level warn up --okta-port 0 --scim-port 0 --encryption-port 0 --data-dir "$TMP/up" >"$TMP/up.out" 2>&1 &
PID=$!
for _ in $(seq 100); do grep -q "Press Ctrl+C" "$TMP/up.out" 2>/dev/null && break; sleep 0.1; done
ENC_URL=$(sed -n 's/^ *URL *: \(http[^ ]*\) *(status.*/\1/p' "$TMP/up.out" | head -1)
check "up prints the admin secret" 'grep -q "Admin secret *: $(cat "$TMP/up/encryption-secret")" "$TMP/up.out"'
check "the secret file is 0600" '[ "$(stat -c %a "$TMP/up/encryption-secret")" = 600 ]'
"$BIN" encryption faults --url "$ENC_URL" --data-dir "$TMP/up" --delay-ms 7 >"$TMP/faults.out" 2>&1; rc=$?
check "encryption faults finds the secret in the data folder" '[ "$rc" = 0 ] && grep -q "\"delayMs\": 7" "$TMP/faults.out"'
kill "$PID"; wait "$PID" 2>/dev/null; PID=
"$BIN" encryption faults --url "$ENC_URL" --data-dir "$TMP/none" >"$TMP/faults2.out" 2>&1; rc=$?
check "without a secret it says where it looked (exit 2)" '[ "$rc" = 2 ] && grep -q "encryption-secret not found" "$TMP/faults2.out"'

# Usage errors: the help, a suggestion, exit 2.
"$BIN" >"$TMP/out6" 2>&1; rc=$?
check "no command: exit 2" '[ "$rc" = 2 ]'
check "no command: the help lists the commands" 'grep -q "Subcommands:" "$TMP/out6"'
"$BIN" scenarios >"$TMP/out7" 2>&1; rc=$?
check "an unknown command: exit 2 and a suggestion" '[ "$rc" = 2 ] && grep -q "Did you mean .scenario.?" "$TMP/out7"'
"$BIN" scim-server --bogus >"$TMP/out8" 2>&1; rc=$?
check "an unknown option: exit 2" '[ "$rc" = 2 ]'
"$BIN" --help >/dev/null 2>&1; rc=$?
check "--help: exit 0" '[ "$rc" = 0 ]'

finish
