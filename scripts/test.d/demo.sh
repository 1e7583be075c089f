# Sourced by scripts/test: the web demo's browser test (web-demo/test/demo.test.mjs). It starts
# idos-node and the demo's web server on free ports with a temporary data folder (the launcher
# scripts/demo uses), drives Debian's Chromium through roles 1-6 and saves screenshots under
# test-output/demo/; test/injected-wallet.test.mjs runs the user's role on an injected EIP-1193
# wallet (a test provider backed by a real key). Needs the native build (node + plugin), the wasm module and web-demo's npm ci.
# test/cluster.test.mjs is the cluster demo (scripts/demo --cluster): it starts its own 3 nats-servers
# and 3 idos-nodes (scripts/cluster's machinery, free loopback ports, a temporary folder), kills and
# restarts a node from the page, and stops everything; about a minute.
# Runs also under --quick: it is the main job's test.
# Uses scripts/test's `log`, `must`, `record`, $ROOT and $OUT.

log "web demo (browser)"
if [ ! -x "$ROOT/build/native/storage-node/idos-node" ] || [ ! -f "$ROOT/build/native/plugin/libidos_plugin.so" ]; then
  echo "   build/native/storage-node/idos-node or build/native/plugin/libidos_plugin.so missing: the native build did not produce them"
  record demo-prerequisites 0 1
elif [ ! -f "$ROOT/build/wasm/wasm/idos_core.wasm" ]; then
  echo "   build/wasm/wasm/idos_core.wasm missing: the wasm build did not produce the module"
  record demo-prerequisites 0 1
elif [ ! -d "$ROOT/web-demo/node_modules/playwright-core" ]; then
  echo "   web-demo/node_modules missing: scripts/setup runs npm ci in web-demo/"
  record demo-prerequisites 0 1
elif must demo-js-build bash -c "cd '$ROOT/js' && node scripts/build.mjs"; then
  rm -rf "$OUT/demo"
  IDOS_DEMO_SHOTS="$OUT/demo" run_node_test demo "$ROOT/web-demo" --test-concurrency=1 test/demo.test.mjs \
    test/injected-wallet.test.mjs
  if command -v nats-server >/dev/null; then
    IDOS_DEMO_SHOTS="$OUT/demo" run_node_test demo-cluster "$ROOT/web-demo" --test-concurrency=1 test/cluster.test.mjs
  else
    echo "   nats-server missing: scripts/setup installs it (the cluster demo's test needs it)"
    record demo-cluster-nats-server 0 1
  fi
  echo "   screenshots: test-output/demo/ ($(ls "$OUT/demo" 2>/dev/null | wc -l) files)"
fi
