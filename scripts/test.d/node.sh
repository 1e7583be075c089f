# Sourced by scripts/test after the builds: the storage node (storage-node/, tests/node/).
# Runs a real idos-node on 127.0.0.1 (port chosen by the node, temp data folders, every process
# killed at the end) through node --test: the whole flow, the authorisation matrix, bad input,
# crash safety and the edge under attack (attack.test.mjs: slow sockets, oversized and chunked
# bodies, header floods, key mismatches, a small tmpfs filled to test /health; needs root for the
# mount, else that one case is skipped), on SQLite and then on PostgreSQL. Uses scripts/test's
# `log`, `must`, `record`, $ROOT and $OUT.

log "storage node"
IDOS_NODE_BIN="$ROOT/build/native/storage-node/idos-node"
IDOS_PLUGIN="$ROOT/build/native/plugin/libidos_plugin.so"
if [ ! -x "$IDOS_NODE_BIN" ]; then
  echo "   $IDOS_NODE_BIN missing: the native build did not produce the node"
  record node-binary 0 1
elif [ ! -f "$IDOS_PLUGIN" ]; then
  echo "   $IDOS_PLUGIN missing: the native build did not produce the plugin"
  record node-plugin 0 1
elif [ ! -f "$ROOT/js/dist/index.js" ]; then
  echo "   js/dist/index.js missing: the js package was not assembled (scripts/test.d/js.sh)"
  record node-js 0 1
else
  node_deps_ok=1
  if [ ! -d "$ROOT/tests/node/node_modules" ]; then
    # scripts/setup installs these once tests/node is in its list; until then, here.
    must node-deps bash -c "cd '$ROOT/tests/node' && npm ci --no-audit --no-fund --loglevel=error" || node_deps_ok=0
  fi
  if [ "$node_deps_ok" -eq 1 ]; then
    IDOS_NODE_BIN="$IDOS_NODE_BIN" IDOS_PLUGIN="$IDOS_PLUGIN" run_node_test node "$ROOT/tests/node" \
      --test-concurrency=1 flow.test.mjs authz.test.mjs badinput.test.mjs client.test.mjs crash.test.mjs packaging.test.mjs \
      delegation.test.mjs attack.test.mjs dapp.test.mjs lifecycle.test.mjs erasure.test.mjs owner-changes.test.mjs
    # CORS from a page on another origin, in Debian's Chromium (like the package's browser test).
    if [ "$QUICK" -eq 1 ]; then
      echo "   node CORS browser test skipped (--quick)"
    else
      IDOS_NODE_BIN="$IDOS_NODE_BIN" IDOS_PLUGIN="$IDOS_PLUGIN" run_node_test node-browser "$ROOT/tests/node" \
        --test-concurrency=1 cors.browser.test.mjs
    fi
    # The same suites on PostgreSQL (--storage postgres), on a throwaway cluster started here and
    # removed after (scripts/pg-cluster), plus the backend's own tests (restart under load, ...).
    log "storage node on PostgreSQL"
    if pg_dir="$("$ROOT/scripts/pg-cluster" start 2>"$OUT/pg-cluster.log")"; then
      IDOS_TEST_STORAGE=postgres IDOS_TEST_PG_HOST="$pg_dir" IDOS_NODE_BIN="$IDOS_NODE_BIN" IDOS_PLUGIN="$IDOS_PLUGIN" \
        run_node_test node-postgres "$ROOT/tests/node" --test-concurrency=1 flow.test.mjs authz.test.mjs \
        badinput.test.mjs client.test.mjs crash.test.mjs delegation.test.mjs postgres.test.mjs lifecycle.test.mjs owner-changes.test.mjs
      "$ROOT/scripts/pg-cluster" stop "$pg_dir"
    else
      tail -n 20 "$OUT/pg-cluster.log"
      record node-postgres-cluster 0 1
    fi
  fi
fi
