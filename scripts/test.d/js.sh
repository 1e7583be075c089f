# Sourced by scripts/test after the wasm build: the npm package idos-core (js/).
# Assembles js/dist from the wasm preset's output, runs the Node tests (API, interop, the shared
# vector files, npm pack + install) and, unless --quick, the browser test in Debian's Chromium.
# Uses scripts/test's `log`, `must`, `record`, $ROOT, $OUT and $QUICK.

# node_counts LOG RC: "PASSED FAILED" from node --test's TAP summary ("# pass N", "# fail N").
node_counts() {
  local log="$1" rc="$2" p f
  p=$(grep -E '^# pass [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  f=$(grep -E '^# fail [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  [ -n "$p" ] || p=0
  [ -n "$f" ] || f=1
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  echo "$p $f"
}

# run_node_tests NAME FILE...: runs node --test in js/ and records its counts.
run_node_tests() {
  local name="$1"; shift
  (cd "$ROOT/js" && node --test --test-reporter=tap "$@") >"$OUT/$name.log" 2>&1
  local rc=$?
  local p f
  read -r p f < <(node_counts "$OUT/$name.log" "$rc")
  [ "$f" -eq 0 ] || grep -A20 '^not ok' "$OUT/$name.log" | head -n 80
  record "$name" "$p" "$f"
}

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
  run_node_tests js test/api.test.js test/interop.test.js test/vectors.test.js test/vault.test.js test/package.test.js
  if [ "$QUICK" -eq 1 ]; then
    echo "   browser test skipped (--quick)"
  else
    run_node_tests js-browser test/browser/browser.test.js
  fi
fi
