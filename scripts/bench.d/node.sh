#!/usr/bin/env bash
# Storage-node benchmark (not a test): drives a real idos-node on 127.0.0.1 with wrk.
#  - reads:  GET /v1/shared/<id> by the grantee, each request signature-checked (Ed25519 wallet),
#            nonce-recorded, grant-checked, unsealed with the node key;
#  - writes: POST /v1/credentials by the owner, each one validated by the plugin and committed
#            durably (synchronous=FULL) with a signed receipt.
# Every request is pre-signed with its own nonce (tests/node/bench/prepare.mjs), so none is a replay.
# Prints a Markdown section (requests/s, p50/p99 latency); --out FILE also writes it there.
#
#   bash scripts/bench.d/node.sh [--quick] [--out FILE]
# Needs build/native (node + plugin), js/dist, tests/node/node_modules and wrk (scripts/setup).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
QUICK=0
OUT_FILE=""
STORAGE=sqlite
RAW=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --out) OUT_FILE="$2"; shift ;;
    --storage) STORAGE="$2"; shift ;;  # sqlite, or postgres on a throwaway cluster (scripts/pg-cluster)
    --raw) RAW=1 ;;                    # only the two IDOS_BENCH lines (scripts/bench.d/storage.sh)
    *) echo "usage: $0 [--quick] [--out FILE] [--storage sqlite|postgres] [--raw]" >&2; exit 2 ;;
  esac
  shift
done
NODE_BIN="${IDOS_NODE_BIN:-$ROOT/build/native/storage-node/idos-node}"
PLUGIN="${IDOS_PLUGIN:-$ROOT/build/native/plugin/libidos_plugin.so}"
if [ ! -x "$NODE_BIN" ] || [ ! -f "$PLUGIN" ]; then
  (cd "$ROOT" && cmake --preset native >/dev/null && cmake --build --preset native --target idos-node idos_plugin >/dev/null)
fi
[ -f "$ROOT/js/dist/index.js" ] || { echo "js/dist missing: run scripts/test (or the js build) first" >&2; exit 1; }
[ -d "$ROOT/tests/node/node_modules" ] || (cd "$ROOT/tests/node" && npm ci --no-audit --no-fund --loglevel=error)
command -v wrk >/dev/null || { echo "wrk missing (Debian package wrk; scripts/setup installs it)" >&2; exit 1; }

DURATION=10; READS=80000; WRITES=6000; WRITE_DURATION=8
if [ "$QUICK" -eq 1 ]; then DURATION=4; READS=25000; WRITES=1500; WRITE_DURATION=4; fi
NODE_THREADS="${NODE_THREADS:-8}"; WRK_THREADS="${WRK_THREADS:-2}"; CONNECTIONS="${CONNECTIONS:-8}"

WORK="$(mktemp -d /tmp/idos-node-bench.XXXXXX)"
NODE_PID=""
PG_DIR=""
cleanup() {
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  [ -z "$PG_DIR" ] || "$ROOT/scripts/pg-cluster" stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

STORAGE_ARGS=()
STORAGE_TEXT="SQLite WAL synchronous=FULL"
case "$STORAGE" in
  sqlite) ;;
  postgres)
    PG_DIR="$("$ROOT/scripts/pg-cluster" start)"
    PG_BIN="${IDOS_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)}"
    "$PG_BIN/createdb" -h "$PG_DIR" -U idos idos_bench
    STORAGE_ARGS=(--storage postgres --pg "host=$PG_DIR user=idos dbname=idos_bench")
    STORAGE_TEXT="PostgreSQL $("$PG_BIN/psql" -h "$PG_DIR" -U idos -d idos_bench -tAc 'SHOW server_version' | cut -d' ' -f1) on a unix socket, fsync=on, state made durable by group commit before each receipt"
    ;;
  *) echo "--storage: sqlite or postgres" >&2; exit 2 ;;
esac

# Access log off (--access-log false): one JSON line per request would be measured too. Every wrk
# connection comes from 127.0.0.1: the per-address limits are lifted (as behind a proxy).
"$NODE_BIN" --listen 127.0.0.1:0 --data "$WORK/data" --plugin "$PLUGIN" --threads "$NODE_THREADS" \
  --rate-limit 0 --address-rate-limit 0 --max-connections-per-ip 1000 --access-log false "${STORAGE_ARGS[@]}" 2>"$WORK/node.log" &
NODE_PID=$!
PORT=""
for _ in $(seq 1 100); do
  PORT=$(grep -m1 '"event":"listening"' "$WORK/node.log" 2>/dev/null | grep -oE '"port":[0-9]+' | cut -d: -f2 || true)
  [ -n "$PORT" ] && break
  kill -0 "$NODE_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "node did not start:"; cat "$WORK/node.log"; exit 1; }
URL="http://127.0.0.1:$PORT"

LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"
echo "preparing $READS reads and $WRITES writes (pre-signed)..." >&2
PREP=$(cd "$ROOT/tests/node" && node bench/prepare.mjs --url "$URL" --out "$WORK" --reads "$READS" --writes "$WRITES")

run_wrk() {  # FILE DURATION -> IDOS_BENCH line
  wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${2}s" --timeout 5s -s "$ROOT/tests/node/bench/replay.lua" "$URL" \
    -- "$1" "$WRK_THREADS" | grep '^IDOS_BENCH'
}
field() { echo "$1" | grep -oE "$2=[0-9.]+" | cut -d= -f2; }

echo "reads for ${DURATION}s..." >&2
READ_LINE=$(run_wrk "$WORK/reads.txt" "$DURATION")
echo "writes for ${WRITE_DURATION}s..." >&2
WRITE_LINE=$(run_wrk "$WORK/writes.txt" "$WRITE_DURATION")

if [ "$RAW" -eq 1 ]; then
  echo "$READ_LINE"
  echo "$WRITE_LINE"
  exit 0
fi
CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
LOAD_END="$(cut -d' ' -f1 /proc/loadavg)"
SECTION=$(cat <<MD
## Storage node (\`scripts/bench.d/node.sh\`${QUICK:+$( [ "$QUICK" -eq 1 ] && echo " --quick")})

- Date: $(date -u +%Y-%m-%d); $(nproc) cores ($CPU); node and wrk on the same machine, loopback;
  1-minute load average ${LOAD_START} at start, ${LOAD_END} at end (other work on the machine skews p99)
- idos-node $("$NODE_BIN" --version | awk '{print $2}'): --threads $NODE_THREADS, --access-log false, $STORAGE_TEXT;
  wrk -t $WRK_THREADS -c $CONNECTIONS --timeout 5s; every request pre-signed with its own nonce (FaceSign / Ed25519 wallet)

| endpoint | requests | requests/s | p50 | p99 | non-2xx | socket errors (incl. timeouts) |
|---|---:|---:|---:|---:|---:|---:|
| GET /v1/shared/{id} (grantee read: signature, nonce, grant, unseal) | $(field "$READ_LINE" requests) | $(field "$READ_LINE" rps) | $(field "$READ_LINE" p50_ms) ms | $(field "$READ_LINE" p99_ms) ms | $(field "$READ_LINE" non2xx) | $(field "$READ_LINE" socket_errors) |
| POST /v1/credentials (validate, apply, fsync, receipt; ~$(echo "$PREP" | grep -oE '"body_bytes":[0-9]+' | cut -d: -f2) B body) | $(field "$WRITE_LINE" requests) | $(field "$WRITE_LINE" rps) | $(field "$WRITE_LINE" p50_ms) ms | $(field "$WRITE_LINE" p99_ms) ms | $(field "$WRITE_LINE" non2xx) | $(field "$WRITE_LINE" socket_errors) |

Target for reads on 2 cores: at least 2,000 requests/s with p99 under 50 ms.
MD
)
echo "$SECTION"
if [ -n "$OUT_FILE" ]; then echo "$SECTION" >"$OUT_FILE"; fi
