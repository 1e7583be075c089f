// Assembles dist/: the hand-written ESM layer and .d.ts from src/, plus the module the wasm preset
// emitted (build/wasm/wasm/idos_core.{mjs,wasm}, or $IDOS_WASM_DIR).
import { copyFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "..");
const wasmDir = resolve(process.env.IDOS_WASM_DIR ?? join(pkg, "..", "build", "wasm", "wasm"));
const dist = join(pkg, "dist");

for (const f of ["idos_core.mjs", "idos_core.wasm"]) {
  try {
    await stat(join(wasmDir, f));
  } catch {
    console.error(`missing ${join(wasmDir, f)}: build the wasm preset first ` +
      "(source scripts/emenv && cmake --preset wasm && cmake --build --preset wasm)");
    process.exit(1);
  }
}
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
for (const f of await readdir(join(pkg, "src"))) {
  if (f.endsWith(".js") || f.endsWith(".d.ts")) await copyFile(join(pkg, "src", f), join(dist, f));
}
for (const f of ["idos_core.mjs", "idos_core.wasm"]) await copyFile(join(wasmDir, f), join(dist, f));
const { size } = await stat(join(dist, "idos_core.wasm"));
console.log(`dist/ ready (idos_core.wasm ${size} bytes)`);
