# Sourced by scripts/test after js.sh (js/dist) and layers.sh: the network of storage nodes on NATS JetStream
# (docs/cluster.md). tests/node/cluster.test.mjs starts its own 3 nats-servers and 3 idos-nodes on
# 127.0.0.1 (free ports, a temp folder) and stops them; about 45 s, most of it the stream-leader
# failover it measures. cluster-mixed.test.mjs: two SQLite nodes and one PostgreSQL node on one
# stream (its own nats-servers and throwaway PostgreSQL cluster, scripts/pg-cluster), equal state
# hashes. cluster-quorum.test.mjs: the test 8, the client's quorum receipts (minReceipts,
# failover) on its own 3 + 3 network. cluster-snapshot.test.mjs: snapshots, the stream's purge (never past
# a live lagging node), a scan of the NATS stores for a credential's bytes, and nodes bootstrapping
# from a snapshot of the other backend (its own servers and throwaway PostgreSQL). Uses scripts/test's `log`, `record`, `run_node_test`, $ROOT.

log "storage network (NATS JetStream)"
# This step runs before node.sh (alphabetical order of test.d): the test packages are installed here too.
if [ ! -d "$ROOT/tests/node/node_modules" ] && [ -f "$ROOT/tests/node/package-lock.json" ]; then
  must cluster-node-deps bash -c "cd '$ROOT/tests/node' && npm ci --no-audit --no-fund --loglevel=error" || true
fi
if ! command -v nats-server >/dev/null; then
  echo "   nats-server missing: scripts/setup installs it"
  record cluster-nats-server 0 1
elif [ ! -x "$ROOT/build/native/storage-node/idos-node" ] || [ ! -f "$ROOT/js/dist/index.js" ] || [ ! -d "$ROOT/tests/node/node_modules" ]; then
  echo "   the node, js/dist or tests/node/node_modules is missing (see the storage node step)"
  record cluster-prerequisites 0 1
else
  IDOS_NODE_BIN="$ROOT/build/native/storage-node/idos-node" IDOS_PLUGIN="$ROOT/build/native/plugin/libidos_plugin.so" \
    IDOS_CLUSTER_PAUSE_FILE="$OUT/cluster-leader-pause-ms.txt" \
    run_node_test cluster "$ROOT/tests/node" --test-concurrency=1 cluster.test.mjs cluster-mixed.test.mjs cluster-quorum.test.mjs \
    cluster-owner-changes.test.mjs cluster-snapshot.test.mjs
fi
