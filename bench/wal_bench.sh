#!/usr/bin/env bash
# The SCIM store's WAL under a long mixed load (issue 16, item 3): seeds a
# store, starts the SCIM server on it, and runs bench/lua/mixed.lua (reads
# and writes from concurrent connections) in back-to-back wrk slices. After
# each slice it prints one table row: elapsed time, the slice's requests/s
# and latency, the WAL and database file sizes, the server's RSS and the
# machine's load average. Report: bench/WAL.md.
#
# Environment (defaults in brackets):
#   OKTA_SANDBOX_BIN  the server binary [build/app/okta-sandbox]
#   WAL_USERS [100000]   users seeded before the run
#   WAL_DURATION [300]   seconds of load in all;  WAL_SLICE [10] seconds per slice
#   WAL_CONNECTIONS [32] wrk connections (one wrk thread)
#   WAL_DIR              scratch folder for the store [build-wal]
#   WAL_PORT [17021]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${OKTA_SANDBOX_BIN:-$ROOT/build/app/okta-sandbox}
USERS=${WAL_USERS:-100000}
DURATION=${WAL_DURATION:-300}
SLICE=${WAL_SLICE:-10}
CONNS=${WAL_CONNECTIONS:-32}
DIR=${WAL_DIR:-$ROOT/build-wal}
PORT=${WAL_PORT:-17021}
TOKEN=wal-bench-token
DATA=$DIR/data
export BENCH_LUA=$ROOT/bench/lua BENCH_DATA=$DATA BENCH_TOKEN=$TOKEN

log() { printf '[wal-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
[ -x "$BIN" ] || { echo "server binary $BIN not found (set OKTA_SANDBOX_BIN)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }

rm -rf "$DATA" && mkdir -p "$DATA" && echo '*' >"$DIR/.gitignore"
log "seeding $USERS users"
"$BIN" --log-level warn scim-server seed --data-dir "$DATA" --users "$USERS" --groups 0 >/dev/null
DB=$DATA/scim.db
sqlite3 -separator ' ' "$DB" "SELECT id, user_name FROM users ORDER BY random() LIMIT 10000" >"$DATA/id_names.txt"

"$BIN" --log-level warn scim-server --data-dir "$DATA" --token "$TOKEN" --port "$PORT" \
  --groups-without-encryption >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$PORT/scim/v2/ServiceProviderConfig" >/dev/null && break
  sleep 0.1
done

size() { stat -c %s "$1" 2>/dev/null || echo 0; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
log "mixed load: $DURATION s in $SLICE s slices, $CONNS connections, $BIN"
echo "| t (s) | req/s | p50 ms | p99 ms | errors | WAL MB | db MB | server RSS MB | load avg (1 min) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
T0=$(date +%s)
MAX_WAL=0
for _ in $(seq $((DURATION / SLICE))); do
  out=$(wrk -t1 -c"$CONNS" -d"${SLICE}s" --timeout 10s --latency -s "$BENCH_LUA/mixed.lua" \
    "http://127.0.0.1:$PORT" 2>/dev/null | grep '^RESULT' || echo "RESULT 0 0 0 0 -1")
  read -r _ _ rps p50 p99 errors <<<"$out"
  wal=$(size "$DB-wal")
  [ "$wal" -gt "$MAX_WAL" ] && MAX_WAL=$wal
  rss=$(awk '$1 == "VmRSS:" { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status")
  echo "| $(( $(date +%s) - T0 )) | $rps | $p50 | $p99 | $errors | $(mb "$wal") | $(mb "$(size "$DB")") | $rss | $(cut -d' ' -f1 /proc/loadavg) |"
done
log "largest WAL seen: $(mb "$MAX_WAL") MB; users now: $(sqlite3 "$DB" 'SELECT count(*) FROM users')"
