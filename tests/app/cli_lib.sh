# Sourced by the CLI test scripts: a private temp folder ($TMP) removed on
# exit, with the background process in $PID (if any) stopped first; check NAME
# EXPR counts a pass or prints the failure; finish prints the tally and fails
# the script if any check failed.
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }
finish() { echo "${1:+$1: }$pass passed, $fail failed"; [ "$fail" = 0 ]; }
