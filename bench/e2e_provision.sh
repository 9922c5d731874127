#!/usr/bin/env bash
# End-to-end provisioning speed: N users assigned to the preset app through one
# group, from the assignment until every user is on the SCIM server and the mock
# Okta lists them all PROVISIONED; plus, in the same run, the two ceilings it is
# read against. Writes bench/E2E.md.
#
#   bench/e2e_provision.sh [N_USERS]          (default 10000)
#
# Every server runs on a fresh data folder (under $E2E_BUILD/runs/, on the same
# disk as the repository: the SCIM writes are durable, synchronous=FULL, as
# shipped), on free ports of 127.0.0.1, and is stopped when the script exits.
#
#  1. Ceiling A, the sequential push client: one keep-alive connection to a
#     fresh `okta-sandbox scim-server`: N Okta-style POST /Users one after the
#     other, then (another fresh server) N lookup + create pairs (GET
#     /Users?filter=userName eq "…" then POST), which is exactly what one Okta
#     user push sends.
#  2. Ceiling B, the SCIM server's concurrent POST rate: wrk, 32 connections,
#     bench/lua/post_users.lua, on a fresh server.
#  3. End to end, once per worker count (default "16 1", the overlapping default of `up` and one worker): `okta-sandbox up
#     --provisioning-workers W` on a fresh folder; N active users in one group
#     are created through /api/v1 before the group is assigned to any app (not
#     timed); then the clock runs from PUT /api/v1/apps/{app}/groups/{group}
#     until the SCIM server holds N users (GET /Users?count=0, every POLL_MS)
#     and the mock lists N app users PROVISIONED with an externalId (read only
#     once the SCIM count is complete). The run fails unless the SCIM server
#     then holds exactly N users and no task is open.
#
# Environment (defaults in brackets):
#   OKTA_SANDBOX_BIN       the server binary [built here with -O2: $E2E_BUILD/main/app/okta-sandbox]
#   E2E_BUILD              build tree of the bench tools [build-bench-e2e]
#   E2E_WORKERS ["16 1"]    provisioning worker counts, one end-to-end run each
#   E2E_CONNECTIONS [32]   wrk connections for ceiling B;  E2E_DURATION [5] seconds
#   E2E_SETUP_CONNECTIONS [8]  connections creating the Okta users (not timed)
#   E2E_POLL_MS [50]       completion polling interval
#   E2E_TIMEOUT_S          give up after this long [120 + N/20]
#   E2E_REPORT             where to write the report [bench/E2E.md]
#   E2E_NOTE               a line put at the top of the report (e.g. "preliminary run")
#   E2E_COMMIT             the commit to name in the report [git rev-parse --short HEAD]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-10000}
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/e2e_provision.sh [N_USERS]" >&2; exit 2; }
OUT=${E2E_BUILD:-$ROOT/build-bench-e2e}
WORKERS=${E2E_WORKERS:-16 1}
CONNS=${E2E_CONNECTIONS:-32}
DURATION=${E2E_DURATION:-5}
SETUP_CONNS=${E2E_SETUP_CONNECTIONS:-8}
POLL_MS=${E2E_POLL_MS:-50}
TIMEOUT_S=${E2E_TIMEOUT_S:-$(( 120 + N / 20 ))}
REPORT=${E2E_REPORT:-$ROOT/bench/E2E.md}
SCIM_TOKEN=e2e-scim-token
OKTA_TOKEN=e2e-okta-token

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"

mkdir -p "$OUT" && echo '*' >"$OUT/.gitignore"  # keep the build and the run folders out of git
log "building the bench tools (Release, -O2) into ${OUT#"$ROOT"/}"
cmake -S bench -B "$OUT" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
TARGETS=(bench_tool)
[ -n "${OKTA_SANDBOX_BIN:-}" ] || TARGETS+=(okta-sandbox)
cmake --build "$OUT" -j "$(nproc)" --target "${TARGETS[@]}" >/dev/null
BIN=${OKTA_SANDBOX_BIN:-$OUT/main/app/okta-sandbox}
TOOL=$OUT/bench_tool
[ -x "$BIN" ] || die "server binary $BIN not found"

RUNS=$OUT/runs
mkdir -p "$RUNS"
WORK=$(mktemp -d "$RUNS/run.XXXXXX")
PIDS=()
OK=0
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  if [ "$OK" = 1 ]; then rm -rf "$WORK"; else log "logs and data kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_line FILE REGEX TIMEOUT_S: until a line of FILE matches (bounded).
wait_line() {
  local i
  for ((i = 0; i < $3 * 20; i++)); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
drop_pid() { local keep=() p; for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done; PIDS=("${keep[@]}"); }
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; drop_pid "$1"; }

# start_scim NAME: a fresh `scim-server` on a free port; sets SERVER (pid) and SCIM_BASE.
start_scim() {
  local dir=$WORK/$1
  mkdir -p "$dir"
  "$BIN" --log-level warn scim-server --data-dir "$dir" --token "$SCIM_TOKEN" --port 0 >"$dir/server.log" 2>&1 &
  SERVER=$!; PIDS+=("$SERVER")
  wait_line "$dir/server.log" "Press Ctrl" 30 || die "scim-server did not start: $(cat "$dir/server.log")"
  SCIM_BASE=$(sed -nE 's/.*SCIM connector base URL *: *(http[^ ]*).*/\1/p' "$dir/server.log" | head -1)
  "$TOOL" wait-ready "${SCIM_BASE%/scim/v2}/scim/v2/ServiceProviderConfig" 30000 >/dev/null || die "scim-server not ready"
}

# probe: the disk's fdatasync latency right now, "p50/p90 ms" (a lone durable commit waits for one).
probe() { local p50 p90; read -r p50 p90 <<<"$("$TOOL" sync-probe "$RUNS" 50)"; echo "$p50/$p90"; }

FLAG_OK=0
"$BIN" up --help 2>&1 | grep -q -- '--provisioning-workers' && FLAG_OK=1

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 1. ceiling A: the sequential push client ------------------------------------
SYNC_A_POST=$(probe)
start_scim ceiling-post
log "ceiling A: $N sequential POST /Users, one keep-alive connection ($SCIM_BASE)"
out=$("$TOOL" push-client "$SCIM_BASE" "$SCIM_TOKEN" "$N" post) || die "push-client post"
read -r A_POST_S A_POST_REQ A_POST_RPS _ <<<"$out"
stop "$SERVER"
log "ceiling A: $A_POST_RPS POST/s ($A_POST_REQ requests in $A_POST_S s)"

SYNC_A_PAIR=$(probe)
start_scim ceiling-pair
log "ceiling A: $N sequential lookup + create pairs"
out=$("$TOOL" push-client "$SCIM_BASE" "$SCIM_TOKEN" "$N" pair) || die "push-client pair"
read -r A_PAIR_S A_PAIR_REQ A_PAIR_RPS A_PAIR_UPS <<<"$out"
stop "$SERVER"
log "ceiling A: $A_PAIR_UPS pairs/s ($A_PAIR_RPS req/s)"

# ---- 2. ceiling B: concurrent POST rate ------------------------------------------------
SYNC_B=$(probe)
start_scim ceiling-concurrent
B_CMD="wrk -t1 -c$CONNS -d${DURATION}s --timeout 10s --latency -s bench/lua/post_users.lua ${SCIM_BASE%/scim/v2}"
log "ceiling B: $B_CMD"
B_OUT=$(BENCH_LUA=$ROOT/bench/lua BENCH_TOKEN=$SCIM_TOKEN wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency \
  -s "$ROOT/bench/lua/post_users.lua" "${SCIM_BASE%/scim/v2}" 2>&1 | grep '^RESULT' || true)
[ -n "$B_OUT" ] || die "wrk produced no result"
read -r _ B_REQ B_RPS B_P50 B_P99 B_ERR <<<"$B_OUT"
stop "$SERVER"
[ "$B_ERR" = 0 ] || die "ceiling B: $B_ERR errors"
log "ceiling B: $B_RPS POST/s (p50 $B_P50 ms, p99 $B_P99 ms)"

# ---- 3. end to end -------------------------------------------------------------------------
ROWS=()  # mode|workers|flag|N|seconds|users/s|put_s|scim_s|cpu%|cpu_s|rss_start|rss_peak|hwm_scope|setup_s|sync|command
for W in $WORKERS; do
  dir=$WORK/up-w$W
  mkdir -p "$dir"
  args=(--log-level warn up --data-dir "$dir" --okta-port 0 --scim-port 0 --encryption-port 0
        --scim-token "$SCIM_TOKEN" --okta-token "$OKTA_TOKEN")
  flag="yes"
  if [ "$FLAG_OK" = 1 ]; then args+=(--provisioning-workers "$W"); else flag="flag missing"; fi
  "$BIN" "${args[@]}" >"$dir/up.log" 2>&1 &
  UP=$!; PIDS+=("$UP")
  wait_line "$dir/up.log" "Press Ctrl" 30 || die "up did not start: $(cat "$dir/up.log")"
  ORG=$(sed -nE 's/.*Org URL *: *(http[^ ]*).*/\1/p' "$dir/up.log" | head -1)
  UP_SCIM=$(sed -nE 's/.*SCIM connector base URL *: *(http[^ ]*).*/\1/p' "$dir/up.log" | head -1)
  [ -n "$ORG" ] && [ -n "$UP_SCIM" ] || die "cannot read the URLs from $dir/up.log"
  log "up (workers $W, $flag): $ORG, $UP_SCIM; creating $N users in one group ($SETUP_CONNS connections, not timed)"
  out=$("$TOOL" okta-setup "$ORG" "$OKTA_TOKEN" "$N" "$SETUP_CONNS") || die "okta-setup"
  read -r APP GROUP SETUP_S <<<"$out"
  log "setup done in $SETUP_S s (app $APP, group $GROUP); assigning the group"
  sleep 1  # let the setup's last writes settle
  sync_ms=$(probe)
  "$TOOL" provision-run "$ORG" "$OKTA_TOKEN" "$UP_SCIM" "$SCIM_TOKEN" "$APP" "$GROUP" "$N" "$UP" "$POLL_MS" \
    "$TIMEOUT_S" >"$dir/result.txt" || { cat "$dir/result.txt" >&2; die "end-to-end run with $W worker(s)"; }
  get() { sed -n "s/^$1=//p" "$dir/result.txt"; }
  hwm=$(get hwm_kb); scope="this run"
  [ "$(get hwm_reset)" = 1 ] || scope="since start (setup included)"
  mode=$([ "$W" = 1 ] && echo "one in-order worker" || echo "overlapping")
  ROWS+=("$mode|$W|$flag|$N|$(get seconds)|$(get users_per_s)|$(get assign_put_s)|$(get scim_complete_s) ($(get verify_read_ms) ms)|$(get cpu_pct)|$(get cpu_s)|$(( $(get rss_start_kb) / 1024 ))|$(( hwm / 1024 ))|$scope|$SETUP_S|$sync_ms|okta-sandbox ${args[*]//$dir/DIR}")
  log "workers $W: $(get seconds) s, $(get users_per_s) users/s, CPU $(get cpu_pct) %, SCIM complete at $(get scim_complete_s) s"
  stop "$UP"
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report -----------------------------------------------------------------------------------
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
A_HALF=$(awk -v r="$A_POST_RPS" 'BEGIN { printf "%.1f", r / 2 }')
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
COMMIT=${E2E_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo '?')}
DIRTY=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -vc ' bench/' || true)
verdict() {  # mode-row users_per_s seconds target_ups flag
  local ups=$1 secs=$2 target=$3 flag=$4 limit
  limit=$(awk -v n="$N" -v t="$target" 'BEGIN { printf "%g", n / t }')
  if [ "$flag" = "flag missing" ]; then echo "not measured (no --provisioning-workers in this build)"
  elif ge "$ups" "$target"; then echo "**met** ($secs s ≤ $limit s)"
  else echo "**not met** ($secs s > $limit s)"; fi
}
{
  echo "# End-to-end provisioning benchmark"
  echo
  [ -n "${E2E_NOTE:-}" ] && { echo "> $E2E_NOTE"; echo; }
  echo "Generated by \`bench/e2e_provision.sh $N\` on $(date -u +%Y-%m-%dT%H:%MZ), commit $COMMIT$([ "$DIRTY" != 0 ] && echo " with $DIRTY uncommitted file(s) outside bench/ in the tree the binary was built from")."
  echo
  echo "- Machine: $(nproc) cores, $CPU, $(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo) GB RAM, $(uname -sr); load average (1/5/15 min) $LOAD_START at the start, $LOAD_END at the end"
  echo "- Data folders: fresh for every server, on $(df -T "$RUNS" | awk 'NR == 2 { print $2 }') ($(df "$RUNS" | awk 'NR == 2 { print $1 }')); SQLite in WAL mode with \`synchronous=FULL\` as shipped (every acknowledged write is synced)"
  echo "- Binary: \`$BIN\`$([ -z "${OKTA_SANDBOX_BIN:-}" ] && echo ' (built by this script, Release -O2)'); every service at \`--log-level warn\`; all traffic on 127.0.0.1, load generators on the same cores"
  echo
  echo "## Ceilings (same run)"
  echo
  echo "| Ceiling | Result | Disk sync p50/p90 ms | Command |"
  echo "|---|---:|---:|---|"
  echo "| A: sequential POST /Users, one keep-alive connection, Okta's create body, $N users | $A_POST_RPS req/s ($A_POST_S s) | $SYNC_A_POST | \`bench_tool push-client URL TOKEN $N post\` |"
  echo "| A: sequential lookup + create pairs (GET ?filter=userName eq, then POST) — one Okta push per user | **$A_PAIR_UPS users/s** ($A_PAIR_RPS req/s, $A_PAIR_S s) | $SYNC_A_PAIR | \`bench_tool push-client URL TOKEN $N pair\` |"
  echo "| B: concurrent POST /Users, $CONNS connections, ${DURATION} s | **$B_RPS req/s** (p50 $B_P50 ms, p99 $B_P99 ms, $B_REQ requests) | $SYNC_B | \`$B_CMD\` |"
  echo
  echo "Ceiling A in users/s is the measured pair rate: the fastest one sequential client can push users (lookup +"
  echo "create, each answered before the next is sent). Half the sequential POST rate ($A_HALF users/s) is shown"
  echo "for reference: it counts a lookup as costly as a durable create, which it is not."
  echo "Ceiling B is the SCIM server's concurrent create rate (group commit): the most users/s any number of"
  echo "overlapping workers could reach if lookups were free."
  echo
  echo "## End to end: $N users assigned through one group"
  echo
  echo "Time from \`PUT /api/v1/apps/{app}/groups/{group}\` until the SCIM server holds all $N users and the mock lists"
  echo "all $N app users PROVISIONED with an externalId (polled every $POLL_MS ms: \`GET /scim/v2/Users?count=0\`,"
  echo "and the app user list once the count is complete; the end is when the list request that showed all of them"
  echo "was sent, since the mock reads its state on arrival and then renders all $N). The $N Okta users and the group were"
  echo "created before (not timed). \"PUT assign\" is how long the assignment request itself took (the mock adds $N app"
  echo "users under its domain lock)."
  echo "CPU % is the \`up\` process's utime+stime over the timed interval (200 % = both cores). Disk sync is"
  echo "\`bench_tool sync-probe\` (50 × 4 KiB append + fdatasync in the run folder) just before each measurement."
  echo
  echo "| Mode | Workers | N | Seconds | Users/s | ÷ ceiling A (pairs/s) | ÷ (A POST/s ÷ 2) | ÷ ceiling B | CPU % | RSS start / peak MB | PUT assign s | SCIM complete s (last list read) | Setup s | Disk sync p50/p90 ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r mode w flag n secs ups put scim cpu cpus rs rp scope setup sync cmd <<<"$row"
    wl=$w; [ "$flag" = "flag missing" ] && { wl="$w asked, flag missing: the binary's default"; mode="$mode (not applied)"; }
    echo "| $mode | $wl | $n | $secs | $ups | $(div "$ups" "$A_PAIR_UPS") | $(div "$ups" "$A_HALF") | $(div "$ups" "$B_RPS") | $cpu | $rs / $rp | $put | $scim | $setup | $sync |"
  done
  echo
  echo "Peak RSS is the \`up\` process's VmHWM over $(for row in "${ROWS[@]}"; do IFS='|' read -r _ w _ _ _ _ _ _ _ _ _ _ scope _ _ _ <<<"$row"; printf '%s (workers %s); ' "$scope" "$w"; done | sed 's/; $//')."
  echo "Commands:"
  echo
  for row in "${ROWS[@]}"; do IFS='|' read -r _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ cmd <<<"$row"; echo "- \`$cmd\`"; done
  echo "- then \`bench_tool okta-setup ORG TOKEN $N $SETUP_CONNS\` and \`bench_tool provision-run ORG TOKEN SCIM TOKEN APP GROUP $N PID $POLL_MS $TIMEOUT_S\`"
  echo
  echo "## Targets"
  echo
  echo "| Target | Measured | Verdict |"
  echo "|---|---|---|"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r mode w flag n secs ups _ <<<"$row"
    if [ "$w" = 1 ]; then
      echo "| one in-order worker: 10,000 users in ≤ 10 s (≥ 1,000 users/s) | $secs s, $ups users/s ($n users) | $(verdict "$ups" "$secs" 1000 "$flag") |"
    else
      echo "| overlapping ($w workers): 10,000 users in ≤ 5 s (≥ 2,000 users/s) | $secs s, $ups users/s ($n users) | $(verdict "$ups" "$secs" 2000 "$flag") |"
    fi
  done
  [ "$N" = 10000 ] || { echo; echo "N is $N, not 10,000: the time limits above are scaled to N at the same users/s."; }
  if [ -f "$ROOT/bench/E2E_NOTES.md" ]; then echo; cat "$ROOT/bench/E2E_NOTES.md"; fi
} >"$REPORT"
OK=1
log "wrote ${REPORT#"$ROOT"/}"
