# Sourced by scripts/test after the builds: the storage node (storage-node/, tests/node/).
# Runs a real idos-node on 127.0.0.1 (port chosen by the node, temp data folders, every process
# killed at the end) through node --test: the whole flow, the authorisation matrix, bad input and
# crash safety. Uses scripts/test's `log`, `must`, `record`, $ROOT and $OUT.

# node_tap_counts LOG RC: "PASSED FAILED" from node --test's TAP summary.
node_tap_counts() {
  local log="$1" rc="$2" p f
  p=$(grep -E '^# pass [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  f=$(grep -E '^# fail [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  [ -n "$p" ] || p=0
  [ -n "$f" ] || f=1
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  echo "$p $f"
}

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
    (cd "$ROOT/tests/node" && IDOS_NODE_BIN="$IDOS_NODE_BIN" IDOS_PLUGIN="$IDOS_PLUGIN" \
      timeout 900 node --test --test-concurrency=1 --test-reporter=tap \
        flow.test.mjs authz.test.mjs badinput.test.mjs crash.test.mjs) >"$OUT/node.log" 2>&1
    node_rc=$?
    read -r node_p node_f < <(node_tap_counts "$OUT/node.log" "$node_rc")
    [ "$node_f" -eq 0 ] || grep -A20 '^not ok' "$OUT/node.log" | head -n 80
    record node "$node_p" "$node_f"
  fi
fi
