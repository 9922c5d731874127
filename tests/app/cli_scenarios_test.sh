#!/usr/bin/env bash
# The bundled scenarios are built into the binary (a copy elsewhere still
# lists and runs them); a folder given by the user that is empty, missing or
# no folder is an error (exit 2, a message naming it); `scenario list` cuts a
# long description on a UTF-8 character boundary; `traffic export` without a
# running sandbox says so and names --from.
# Usage: cli_scenarios_test.sh <okta-sandbox> <source scenarios folder>
set -u
BIN=$1
SRC_SCENARIOS=$2
TMP=$(mktemp -d)
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }

# A copy of the binary, run from an unrelated folder.
mkdir -p "$TMP/elsewhere"
cp "$BIN" "$TMP/elsewhere/okta-sandbox"
COPY="$TMP/elsewhere/okta-sandbox"
cd "$TMP/elsewhere"
"$COPY" scenario list >"$TMP/list.out" 2>"$TMP/list.err"; rc=$?
check "a copied binary lists the bundled scenarios (exit 0)" '[ "$rc" = 0 ]'
for f in "$SRC_SCENARIOS"/*.json; do
  stem=$(basename "$f" .json)
  case "$stem" in *.schema) continue ;; esac
  check "the list has $stem" 'grep -q "^  $stem " "$TMP/list.out"'
done
check "the binary does not point at the source folder" '! strings "$COPY" | grep -qx "$SRC_SCENARIOS"'
"$COPY" --quiet scenario run deactivate-users-off >"$TMP/run.out" 2>&1; rc=$?
check "a copied binary runs a bundled scenario by name" '[ "$rc" = 0 ] && grep -q "PASS  Deactivate Users off" "$TMP/run.out"'
"$COPY" --quiet scenario run deactivate-users-off.json >"$TMP/run2.out" 2>&1; rc=$?
check "... also named with .json" '[ "$rc" = 0 ] && grep -q "1 passed" "$TMP/run2.out"'

# A file or folder that exists wins over a bundled name.
mkdir -p "$TMP/mine"
cat >"$TMP/mine/deactivate-users-off.json" <<'JSON'
{"name": "my own copy", "steps": []}
JSON
(cd "$TMP/mine" && "$COPY" --quiet scenario run deactivate-users-off.json) >"$TMP/run3.out" 2>&1; rc=$?
check "a local file wins over the bundled one of that name" '[ "$rc" = 0 ] && grep -q "PASS  my own copy" "$TMP/run3.out"'

# Folders the user gives: empty, not a folder, missing.
mkdir -p "$TMP/empty"
"$COPY" scenario list "$TMP/empty" >"$TMP/e.out" 2>"$TMP/e.err"; rc=$?
check "list of an empty folder: exit 2" '[ "$rc" = 2 ]'
check "... saying it holds no scenario files" 'grep -q "$TMP/empty: no scenario files (\*.json) in this folder" "$TMP/e.err"'
check "... and no list" '! grep -q "^  " "$TMP/e.out"'
"$COPY" scenario run "$TMP/empty" >"$TMP/e2.out" 2>"$TMP/e2.err"; rc=$?
check "run of an empty folder: exit 2 with the message" \
  '[ "$rc" = 2 ] && grep -q "$TMP/empty: no scenario files" "$TMP/e2.err"'
"$COPY" scenario list "$TMP/list.out" >/dev/null 2>"$TMP/f.err"; rc=$?
check "list of a file that is no folder: exit 2" '[ "$rc" = 2 ] && grep -q "not a folder" "$TMP/f.err"'
"$COPY" scenario list "$TMP/missing" >/dev/null 2>"$TMP/m.err"; rc=$?
check "list of a missing folder: exit 2" '[ "$rc" = 2 ] && grep -q "$TMP/missing: no such folder" "$TMP/m.err"'
"$COPY" scenario run no-such-scenario >/dev/null 2>"$TMP/n.err"; rc=$?
check "run of an unknown name: exit 2, pointing at scenario list" \
  '[ "$rc" = 2 ] && grep -q "no bundled scenario of that name (see .okta-sandbox scenario list.)" "$TMP/n.err"'
if [ "$(id -u)" != 0 ]; then  # root reads any folder
  mkdir -p "$TMP/locked" && cp "$TMP/mine/deactivate-users-off.json" "$TMP/locked/" && chmod 000 "$TMP/locked"
  "$COPY" scenario list "$TMP/locked" >/dev/null 2>"$TMP/l.err"; rc=$?
  chmod 700 "$TMP/locked"
  check "list of an unreadable folder: exit 2" '[ "$rc" = 2 ] && grep -q "cannot be read" "$TMP/l.err"'
fi

# A multi-byte name and a description longer than one line.
mkdir -p "$TMP/utf8"
DESC=$(printf 'é%.0s' $(seq 200))
printf '{"name": "Überprüfung ✓ ünïcödé", "description": "%s", "steps": []}\n' "$DESC" >"$TMP/utf8/umlaut.json"
"$COPY" scenario list "$TMP/utf8" >"$TMP/u.out" 2>&1; rc=$?
check "list of a folder: exit 0" '[ "$rc" = 0 ]'
check "the multi-byte name is shown whole" 'grep -q "Überprüfung ✓ ünïcödé" "$TMP/u.out"'
check "the listing is valid UTF-8 (no character cut in half)" 'iconv -f UTF-8 -t UTF-8 "$TMP/u.out" >/dev/null 2>&1'
check "the description is cut, with an ellipsis" 'grep -q "éé…$" "$TMP/u.out"'

# traffic export with nothing listening.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 1)
"$COPY" traffic export --har "$TMP/t.har" --from "http://127.0.0.1:$PORT" >"$TMP/t.out" 2>"$TMP/t.err"; rc=$?
check "traffic export without a sandbox: exit 1" '[ "$rc" = 1 ]'
check "... says no sandbox answers there" 'grep -q "no running sandbox answers at http://127.0.0.1:$PORT" "$TMP/t.err"'
check "... and names --from and up" 'grep -q -- "--from URL" "$TMP/t.err" && grep -q "okta-sandbox up" "$TMP/t.err"'
check "... and writes no file" '[ ! -e "$TMP/t.har" ]'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
