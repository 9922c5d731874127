#!/usr/bin/env bash
# `okta-sandbox encryption` and its fault switches from the command line.
set -euo pipefail
bin="$1"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

"$bin" encryption --port 0 --in-memory --secret s3cret > "$work/out.txt" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "Secret :" "$work/out.txt" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*URL    : \(.*\)$/\1/p' "$work/out.txt")
check "prints its URL" "[ -n '$url' ]"
check "prints the secret it was given" "grep -q 'Secret : s3cret' '$work/out.txt'"
check "healthy at start" "[ \$(curl -s -o /dev/null -w '%{http_code}' '$url/v1/health') = 200 ]"
"$bin" encryption faults --url "$url" --secret s3cret --down > "$work/faults.txt"
check "faults --down reports down" "grep -q '\"down\": true' '$work/faults.txt'"
check "--down makes health 503" "[ \$(curl -s -o /dev/null -w '%{http_code}' '$url/v1/health') = 503 ]"
"$bin" encryption faults --url "$url" --secret s3cret --up --fail-status 500 > "$work/faults.txt"
check "--up with --fail-status" "grep -q '\"failStatus\": 500' '$work/faults.txt' && grep -q '\"down\": false' '$work/faults.txt'"
check "health is back" "[ \$(curl -s -o /dev/null -w '%{http_code}' '$url/v1/health') = 200 ]"
check "a wrong secret is refused" "! '$bin' encryption faults --url '$url' --secret wrong > /dev/null 2>&1"
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM stops it cleanly" "[ $rc = 0 ]"
echo "cli encryption: $pass passed, $fail failed"
[ $fail -eq 0 ]
