# Sourced by scripts/test: the web demo's browser test (web-demo/test/demo.test.mjs). It starts
# idos-node and the demo's web server on free ports with a temporary data folder (the launcher
# scripts/demo uses), drives Debian's Chromium through roles 1-6 and saves screenshots under
# test-output/demo/. Needs the native build (node + plugin), the wasm module and web-demo's npm ci.
# Runs also under --quick: it is the main job's test.
# Uses scripts/test's `log`, `must`, `record`, $ROOT and $OUT.

# demo_counts LOG RC: "PASSED FAILED" from node --test's TAP summary.
demo_counts() {
  local log="$1" rc="$2" p f
  p=$(grep -E '^# pass [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  f=$(grep -E '^# fail [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  [ -n "$p" ] || p=0
  [ -n "$f" ] || f=1
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  echo "$p $f"
}

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
  (cd "$ROOT/web-demo" && IDOS_DEMO_SHOTS="$OUT/demo" timeout 600 node --test --test-reporter=tap test/demo.test.mjs) >"$OUT/demo.log" 2>&1
  demo_rc=$?
  read -r demo_p demo_f < <(demo_counts "$OUT/demo.log" "$demo_rc")
  [ "$demo_f" -eq 0 ] || grep -A25 '^not ok' "$OUT/demo.log" | head -n 80
  echo "   screenshots: test-output/demo/ ($(ls "$OUT/demo" 2>/dev/null | wc -l) files)"
  record demo "$demo_p" "$demo_f"
fi
