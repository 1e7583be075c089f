# Sourced by scripts/test after the wasm build: the npm package idos-core (js/).
# Assembles js/dist from the wasm preset's output, runs the Node tests (API, interop, the shared
# vector files, npm pack + install) and, unless --quick, the browser test in Debian's Chromium.
# Uses scripts/test's `log`, `must`, `record`, $ROOT, $OUT and $QUICK.

log "js package"
if [ ! -f "$ROOT/build/wasm/wasm/idos_core.wasm" ]; then
  echo "   build/wasm/wasm/idos_core.wasm missing: the wasm build did not produce the module"
  record js-module 0 1
elif [ ! -d "$ROOT/js/node_modules" ]; then
  echo "   js/node_modules missing: scripts/setup runs npm ci in js/"
  record js-deps 0 1
elif must js-build bash -c "cd '$ROOT/js' && node scripts/build.mjs"; then
  wasm_bytes=$(stat -c %s "$ROOT/js/dist/idos_core.wasm")
  wasm_gz=$(gzip -9c "$ROOT/js/dist/idos_core.wasm" | wc -c)
  echo "   module: idos_core.wasm ${wasm_bytes} bytes (${wasm_gz} gzipped)"
  rm -f "$OUT/results-wasm.txt"  # rewritten by test/vectors.test.js for the native-vs-WASM comparison
  run_node_test js "$ROOT/js" test/api.test.js test/interop.test.js test/vectors.test.js test/vault.test.js test/wipe.test.js test/wallets.test.js test/derive-async.test.js test/package.test.js
  if [ "$QUICK" -eq 1 ]; then
    echo "   browser test skipped (--quick)"
  else
    run_node_test js-browser "$ROOT/js" --test-concurrency=1 test/browser/browser.test.js test/browser/pack-vite.test.js
  fi
fi
