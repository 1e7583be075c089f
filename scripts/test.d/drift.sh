# Sourced by scripts/test after the builds: the drift tests (tests/drift/). Tables and declarations
# that are still written more than once are compared with their one source, and fail on any
# difference: the error codes (the X-macro in result.hpp against the C header, docs/errors.md, the
# web demo and the WASM module's runtime list; no new hand-made copy anywhere) and the JS package's
# three spellings of every function (wasm/bindings.cpp, js/src/index.js, js/src/index.d.ts).
# Needs only Node and the wasm build (no npm packages). Uses scripts/test's `log`, `record`,
# `run_node_test` and $ROOT.

log "drift (tables and declarations written more than once)"
if [ ! -f "$ROOT/build/wasm/wasm/idos_core.mjs" ]; then
  echo "   build/wasm/wasm/idos_core.mjs missing: the wasm build did not produce the module"
  record drift-module 0 1
else
  IDOS_WASM_DIR="$ROOT/build/wasm/wasm" run_node_test drift "$ROOT/tests/drift" error-table.test.mjs bindings.test.mjs
fi
