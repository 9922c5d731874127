#!/usr/bin/env bash
# `okta-sandbox check` as a user runs it, against the built-in SCIM server
# (scim-server --in-memory --port 0, groups without the encryption service):
# every check passes (exit 0, "0 failed"), the reports are written with the
# token masked, --json is machine output, --show-secrets keeps the token,
# usage errors exit 2, and a server without group provisioning fails with
# exit 1 and the task message an Okta admin would see. Then the console's
# POST /sandbox/check on `up`: it runs, masks the token, and is same-origin only.
set -euo pipefail
bin="$1"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }
token="check-test-token-5f2c9a"

start() {  # start [extra scim-server options…]: sets pid and base
  "$bin" scim-server --in-memory --port 0 --token "$token" "$@" > "$work/server.txt" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q "Bearer (secret token)" "$work/server.txt" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/.*SCIM connector base URL : \(.*\)$/\1/p' "$work/server.txt")
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }

"$bin" check --help > "$work/help.txt"
for opt in --url --token --auth --username --password --profile --unique-field --no-groups --only --skip --junit \
           --html --har --keep --delete --timeout-ms --json --show-secrets; do
  check "check --help lists $opt" "grep -q -- '$opt' '$work/help.txt'"
done
"$bin" check --list > "$work/list.txt"
check "--list names the checks" "grep -q '^connector.test ' '$work/list.txt' && grep -q '^users.create.oin_patch ' '$work/list.txt'"

set +e
"$bin" check --token x > /dev/null 2>&1; rc=$?
check "no --url is a usage error (exit 2)" "[ $rc = 2 ]"
"$bin" check --url http://127.0.0.1:1/scim/v2 --token x --profile sideways > /dev/null 2>&1; rc=$?
check "an unknown --profile is a usage error (exit 2)" "[ $rc = 2 ]"
"$bin" check --url http://127.0.0.1:1/scim/v2 --auth basic > /dev/null 2>&1; rc=$?
check "--auth basic without --username is a usage error (exit 2)" "[ $rc = 2 ]"
"$bin" check --url not-a-url --token x > /dev/null 2>&1; rc=$?
check "a URL that is not http(s) is a usage error (exit 2)" "[ $rc = 2 ]"
set -e

start --groups-without-encryption
check "the SCIM server started" "[ -n '$base' ]"
set +e
"$bin" check --url "$base" --token "$token" --html "$work/r.html" --har "$work/r.har" --junit "$work/r.xml" \
  > "$work/out.txt" 2> "$work/err.txt"; rc=$?
set -e
check "every check passes against the built-in server (exit 0)" "[ $rc = 0 ]"
check "the summary line says 0 failed" "grep -Eq '^[0-9]+ passed, 0 failed, [0-9]+ warnings$' '$work/out.txt'"
check "skipped are counted on their own line" "grep -Eq '^[0-9]+ skipped$' '$work/out.txt'"
check "one line per check with a mark" "[ \$(grep -c '^✔ ' '$work/out.txt') -ge 30 ]"
check "no check failed" "! grep -q '^✘ ' '$work/out.txt'"
check "what was left behind is reported" "grep -q '^Left behind on the server' '$work/out.txt'"
check "the reports were written" "[ -s '$work/r.html' ] && [ -s '$work/r.har' ] && [ -s '$work/r.xml' ]"
check "the token is in no output" "! grep -q '$token' '$work/out.txt' '$work/r.html' '$work/r.har' '$work/r.xml'"
check "the HAR masks Authorization" "grep -q '\"Bearer \*\*\*\"' '$work/r.har'"
check "the HAR is HAR 1.2" "grep -q '\"version\": \"1.2\"' '$work/r.har'"
check "the JUnit report has no failure" "grep -q 'failures=\"0\"' '$work/r.xml' && ! grep -q '<failure' '$work/r.xml'"
check "the HTML report is self-contained" "grep -q \"default-src 'none'\" '$work/r.html' && ! grep -q '<link' '$work/r.html'"

set +e
"$bin" check --url "$base" --token "$token" --only connector,spec --json > "$work/out.json" 2> "$work/err2.txt"; rc=$?
set -e
check "--json exits 0 too" "[ $rc = 0 ]"
check "--json prints only JSON on stdout" "head -c1 '$work/out.json' | grep -q '{' && grep -q '\"summary\"' '$work/out.json'"
check "--json keeps the progress line off stdout" "grep -q 'Checking' '$work/err2.txt' && ! grep -q 'Checking' '$work/out.json'"
check "--only runs only those checks" "grep -q '\"spec.create\"' '$work/out.json' && ! grep -q '\"users.create.aiw_put\"' '$work/out.json'"
check "--json masks the token" "! grep -q '$token' '$work/out.json'"
"$bin" check --url "$base" --token "$token" --only connector.test --json --show-secrets > "$work/shown.json" 2>/dev/null || true
check "--show-secrets keeps the token" "grep -q 'Bearer $token' '$work/shown.json'"
stop

# Without the encryption service the built-in server refuses groups: the group checks fail.
start
set +e
"$bin" check --url "$base" --token "$token" --only groups.create --profile oin_patch > "$work/bad.txt" 2>&1; rc=$?
set -e
check "a failing check exits 1" "[ $rc = 1 ]"
check "the failure names the request" "grep -q '    request : POST $base/Groups' '$work/bad.txt'"
check "the failure shows the answer" "grep -q '    answer  : 503' '$work/bad.txt'"
check "the failure shows Okta's task message" "grep -q '    Okta admin would see: Failed on pushing group' '$work/bad.txt'"
check "the summary counts it" "grep -Eq '^[0-9]+ passed, 1 failed, [0-9]+ warnings$' '$work/bad.txt'"
stop

# The console's endpoint: POST /sandbox/check on the mock Okta of `up`, same-origin only.
"$bin" up --in-memory --okta-port 0 --scim-port 0 --encryption-port 0 > "$work/up.txt" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "Bearer (secret token)" "$work/up.txt" 2>/dev/null && break; sleep 0.1; done
org=$(sed -n 's/.*Org URL *: \(.*\)$/\1/p' "$work/up.txt")
scim=$(sed -n 's/.*SCIM connector base URL : \(.*\)$/\1/p' "$work/up.txt")
scim_token=$(sed -n 's/.*Bearer (secret token) *: \(.*\)$/\1/p' "$work/up.txt")
code=$(curl -s -o "$work/route.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"url\":\"$scim\",\"token\":\"$scim_token\",\"only\":\"connector,users.create\"}" "$org/sandbox/check")
check "POST /sandbox/check runs the checks" "[ '$code' = 200 ] && grep -q '\"failed\":0' '$work/route.json'"
check "its report masks the token" "! grep -q '$scim_token' '$work/route.json' && grep -q 'Bearer \*\*\*' '$work/route.json'"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' -d "{\"url\":\"$scim\"}" "$org/sandbox/check")
check "a text/plain POST (what a cross-site form can send) is refused" "[ '$code' = 415 ]"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: http://evil.example' -H 'Content-Type: application/json' \
  -d '{}' "$org/sandbox/check")
check "a foreign Origin is refused" "[ '$code' = 403 ]"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: rebound.example:7010' -H 'Content-Type: application/json' \
  -d '{}' "$org/sandbox/check")
check "a foreign Host (DNS rebinding) is refused" "[ '$code' = 403 ]"
check "no CORS header is sent" "! curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d '{}' '$org/sandbox/check' | grep -qi 'access-control-allow-origin'"
stop

echo "cli check: $pass passed, $fail failed"
[ $fail -eq 0 ]
