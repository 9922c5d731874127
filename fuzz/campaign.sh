#!/usr/bin/env bash
# A fuzzing campaign: each fuzz target of the sanitizer tree runs for SECONDS
# (`make fuzz FUZZ_SECONDS=…`), seeded from fuzz/corpus/<name>/ with
# fuzz/<name>.dict when present. New inputs go to a work corpus in the build
# tree (the committed seeds stay as they are); a crash, leak, timeout or
# sanitizer report leaves its reproducer in <build>/fuzz/findings/<name>/.
# Prints executions and findings per target; exits 1 when any target found
# something. With FUZZ_RUNS=N in the environment a target stops after N
# executions or SECONDS, whichever comes first; FUZZ_FLAGS adds libFuzzer
# flags, after the defaults so they win (e.g. -detect_leaks=0 for the targets
# whose state grows between inputs, oauth_request and har_replay, where every
# input triggers a leak scan; or a longer -timeout when the fuzzer may be
# paused: libFuzzer's timeout is wall-clock time).
# Usage: fuzz/campaign.sh BUILD_FUZZ_DIR [SECONDS] [TARGET...]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin_dir="$(cd "${1:?usage: campaign.sh BUILD_FUZZ_DIR [SECONDS] [TARGET...]}" && pwd)"
seconds="${2:-60}"
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in "$here"/corpus/*/; do targets+=("$(basename "$d")"); done
fi
failed=0
printf '%-16s %12s %10s %8s %s\n' target executions exec/s findings reproducers
for t in "${targets[@]}"; do
  exe="$bin_dir/fuzz_$t"
  [ -x "$exe" ] || { echo "$t: $exe is missing (build the fuzzers target: make fuzz)" >&2; failed=1; continue; }
  work="$bin_dir/work/$t"
  found="$bin_dir/findings/$t"
  mkdir -p "$work" "$found"
  dict=()
  [ -f "$here/$t.dict" ] && dict=("-dict=$here/$t.dict")
  log="$bin_dir/work/$t.log"
  runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs=("-runs=$FUZZ_RUNS")
  # shellcheck disable=SC2206  # FUZZ_FLAGS is a list of libFuzzer flags
  extra=(${FUZZ_FLAGS:-})
  "$exe" -max_total_time="$seconds" "${runs[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
    "${extra[@]}" "${dict[@]}" -artifact_prefix="$found/" "$work" "$here/corpus/$t" >"$log" 2>&1
  rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  n="$(find "$found" -type f | wc -l)"
  printf '%-16s %12s %10s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$n" "$( [ "$n" -gt 0 ] && echo "$found")"
  if [ "$rc" -ne 0 ] || [ "$n" -gt 0 ]; then
    failed=1
    grep -m1 -E "ERROR|runtime error|deadly signal" "$log" >&2 || tail -5 "$log" >&2
  fi
done
exit "$failed"
