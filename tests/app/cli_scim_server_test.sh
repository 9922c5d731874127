#!/usr/bin/env bash
# The okta-sandbox binary as a user runs it: --help, --version, scim-server on
# a free port with a data folder, the printed base URL and token, a request
# with that token, a clean stop on SIGTERM, and the token kept across restarts.
set -euo pipefail
bin="$1"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

"$bin" --help > "$work/help.txt"
check "--help names scim-server" "grep -q scim-server '$work/help.txt'"
"$bin" scim-server --help > "$work/scim-help.txt"
for opt in --port --bind --data-dir --in-memory --token --base-url; do
  check "scim-server --help lists $opt" "grep -q -- '$opt' '$work/scim-help.txt'"
done
check "--version prints the version" "'$bin' --version | grep -q 'okta-sandbox [0-9]'"
check "an unknown log level is refused" "! '$bin' --log-level loud scim-server --in-memory --port 0 >/dev/null 2>&1"

start() {
  "$bin" scim-server --port 0 --data-dir "$work/data" > "$work/out.txt" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q "Bearer (secret token)" "$work/out.txt" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/out.txt")
  base=$(sed -n 's/.*SCIM connector base URL : \(.*\)$/\1/p' "$work/out.txt")
  token=$(sed -n 's/.*Bearer (secret token)   : \(.*\)$/\1/p' "$work/out.txt")
}
start
check "prints the port it bound" "[ -n '$port' ] && [ '$port' -gt 0 ]"
check "prints the SCIM base URL" "[ '$base' = 'http://127.0.0.1:$port/scim/v2' ]"
check "prints a generated token" "[ \${#token} -ge 32 ]"
code=$(curl -s -o "$work/list.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/Users?startIndex=1&count=2")
check "the printed token works" "[ '$code' = 200 ] && grep -q '\"totalResults\":0' '$work/list.json'"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/scim+json' -H "Authorization: Bearer $token" \
  -d '{"userName":"cli@example.com"}' "$base/Users")
check "a user can be created" "[ '$code' = 201 ]"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$base/Users")
check "a wrong token is refused" "[ '$code' = 401 ]"
kill -TERM $pid
wait $pid; rc=$?
check "SIGTERM stops it with exit code 0" "[ $rc = 0 ]"
check "the stop is reported" "grep -q 'SCIM server stopped' '$work/out.txt'"
first_token=$token
start
check "the token is kept in the data folder across restarts" "[ '$token' = '$first_token' ]"
n=$(curl -s -H "Authorization: Bearer $token" "$base/Users" | grep -o '"totalResults":[0-9]*')
check "the data survives the restart" "[ '$n' = '\"totalResults\":1' ]"
kill -INT $pid
wait $pid; rc=$?
check "SIGINT stops it with exit code 0" "[ $rc = 0 ]"

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
