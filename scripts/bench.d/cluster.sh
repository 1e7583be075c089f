#!/usr/bin/env bash
# Storage-network benchmark (not a test): 3 nats-servers + 3 idos-nodes on this machine, wrk with
# pre-signed requests (tests/node/bench/cluster.mjs). Prints a Markdown section.
#   bash scripts/bench.d/cluster.sh [--quick]
# Needs build/native (node + plugin), js/dist, tests/node/node_modules, nats-server and wrk.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v nats-server >/dev/null || { echo "nats-server missing (scripts/setup installs it)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing (scripts/setup installs it)" >&2; exit 1; }
[ -f "$ROOT/js/dist/index.js" ] || { echo "js/dist missing: run scripts/test (or the js build) first" >&2; exit 1; }
[ -d "$ROOT/tests/node/node_modules" ] || (cd "$ROOT/tests/node" && npm ci --no-audit --no-fund --loglevel=error)
QUICK=""
for a in "$@"; do [ "$a" = "--quick" ] && QUICK="--quick"; done
cd "$ROOT/tests/node" && node bench/cluster.mjs $QUICK
