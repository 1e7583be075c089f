# Sourced by scripts/test after the js package suite: the consumer type check (tests/types/).
# Packs js/ (dist/ assembled by scripts/test.d/js.sh), installs the tarball into an empty project
# and runs `tsc --noEmit --strict` with the TypeScript pinned in tests/types/package-lock.json on
# consumer.ts (idos-core, idos-core/client, idos-core/vault). Uses scripts/test's `log`, `record`,
# `run_node_test` and $ROOT.

log "types (tsc --strict consumer)"
if [ ! -f "$ROOT/js/dist/client.d.ts" ]; then
  echo "   js/dist/client.d.ts missing: the js package was not assembled (scripts/test.d/js.sh)"
  record types-dist 0 1
elif [ ! -d "$ROOT/tests/types/node_modules/typescript" ]; then
  echo "   tests/types/node_modules missing: scripts/setup runs npm ci in tests/types/"
  record types-deps 0 1
else
  run_node_test types "$ROOT/tests/types" consumer.test.mjs
fi
