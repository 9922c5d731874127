#!/usr/bin/env bash
# Global options (--log-level) are accepted before and after the command, and
# the provisioning worker option of `up` and `okta`.
set -euo pipefail
bin="$1"
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

# Starts the SCIM server with the given arguments, stops it with SIGTERM, leaves its output in $work/out.txt.
run_scim() {
  "$bin" "$@" > "$work/out.txt" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q "Bearer (secret token)" "$work/out.txt" 2>/dev/null && break; sleep 0.1; done
  started=$(grep -c "listening on" "$work/out.txt" || true)
  kill -TERM $pid 2>/dev/null || true
  wait $pid || true
  pid=
}

run_scim --log-level warn scim-server --in-memory --port 0
check "--log-level before the command works" "[ '$started' = 1 ]"
check "... and sets the level (no info line)" "! grep -q 'signal 15 received' '$work/out.txt'"

run_scim scim-server --in-memory --port 0 --log-level warn
check "--log-level after the command is accepted" "[ '$started' = 1 ]"
check "... and sets the level (no info line)" "! grep -q 'signal 15 received' '$work/out.txt'"

run_scim scim-server --in-memory --port 0 --log-level info
check "--log-level info after the command logs info lines" "grep -q 'signal 15 received' '$work/out.txt'"

check "an unknown level after the command is refused" \
  "! '$bin' scim-server --in-memory --port 0 --log-level loud >/dev/null 2>&1"
check "--log-level after a nested command (scenario list)" \
  "'$bin' scenario list --log-level warn | grep -q 'Bundled scenarios'"
check "an unknown option after the command is still refused" \
  "! '$bin' scenario list --no-such-option >/dev/null 2>&1"

"$bin" up --help > "$work/up-help.txt"
check "up --help lists --provisioning-workers" "grep -q -- '--provisioning-workers' '$work/up-help.txt'"
check "up --help explains the workers" "grep -q \"one user's jobs stay in order\" '$work/up-help.txt'"
"$bin" okta --help > "$work/okta-help.txt"
check "okta --help lists --provisioning-workers" "grep -q -- '--provisioning-workers' '$work/okta-help.txt'"
check "zero provisioning workers are refused" "! '$bin' up --in-memory --provisioning-workers 0 >/dev/null 2>&1"

echo "cli global options: $pass passed, $fail failed"
[ $fail -eq 0 ]
