#!/usr/bin/env bash
# The node's two storage backends side by side (not a test): scripts/bench.d/node.sh run on SQLite
# and then on PostgreSQL (a throwaway cluster on a unix socket, scripts/pg-cluster), same machine,
# same pre-signed requests, same wrk settings. Prints a Markdown section; --out FILE also writes it.
#
#   bash scripts/bench.d/storage.sh [--quick] [--out FILE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
QUICK_ARG=()
OUT_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK_ARG=(--quick) ;;
    --out) OUT_FILE="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
field() { echo "$1" | grep -oE "$2=[0-9.]+" | cut -d= -f2; }
LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"
echo "SQLite..." >&2
SQLITE=$(bash "$ROOT/scripts/bench.d/node.sh" "${QUICK_ARG[@]}" --storage sqlite --raw)
echo "PostgreSQL..." >&2
PG=$(bash "$ROOT/scripts/bench.d/node.sh" "${QUICK_ARG[@]}" --storage postgres --raw)
LOAD_END="$(cut -d' ' -f1 /proc/loadavg)"
line() { echo "$1" | sed -n "${2}p"; }
row() {  # LABEL BACKEND LINE
  echo "| $1 | $2 | $(field "$3" requests) | $(field "$3" rps) | $(field "$3" p50_ms) ms | $(field "$3" p99_ms) ms | $(field "$3" non2xx) |"
}
ratio() { awk -v a="$(field "$1" rps)" -v b="$(field "$2" rps)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
SECTION=$(cat <<MD
## Storage backends: SQLite and PostgreSQL (\`scripts/bench.d/storage.sh\`${QUICK_ARG[*]:+ --quick})

- Date: $(date -u +%Y-%m-%d); $(nproc) cores; one node, wrk and (for PostgreSQL) the server on the same machine;
  1-minute load average ${LOAD_START} at start, ${LOAD_END} at end (other work on the machine skews p99)
- The requests and settings of \`scripts/bench.d/node.sh\` (pre-signed, wrk -c 8, --threads 8, access log off).
  SQLite: WAL, synchronous=FULL. PostgreSQL 15: unix socket, fsync=on, every state write durable before
  its receipt through group commit (docs/node.md), nonces with synchronous_commit=off (as SQLite's replay.db).

| endpoint | storage | requests | requests/s | p50 | p99 | non-2xx |
|---|---|---:|---:|---:|---:|---:|
$(row "GET /v1/shared/{id} (read)" SQLite "$(line "$SQLITE" 1)")
$(row "GET /v1/shared/{id} (read)" PostgreSQL "$(line "$PG" 1)")
$(row "POST /v1/credentials (durable write)" SQLite "$(line "$SQLITE" 2)")
$(row "POST /v1/credentials (durable write)" PostgreSQL "$(line "$PG" 2)")

PostgreSQL / SQLite throughput: reads $(ratio "$(line "$PG" 1)" "$(line "$SQLITE" 1)"), writes $(ratio "$(line "$PG" 2)" "$(line "$SQLITE" 2)").
Aims: reads within 2x of SQLite (ratio at least 0.5), concurrent durable writes at least as fast (ratio at least 1).
MD
)
echo "$SECTION"
if [ -n "$OUT_FILE" ]; then echo "$SECTION" >"$OUT_FILE"; fi
