// The consumer type check: packs js/ (dist/ must be built), installs the tarball into an empty
// temporary project next to a copy of consumer.ts and tsconfig.json, and runs this folder's pinned
// TypeScript (`tsc --noEmit --strict`, package-lock.json) there, so the types are resolved through
// the package's "exports" exactly as a dApp's compiler resolves them.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, "..", "..", "js");
const tsc = join(here, "node_modules", "typescript", "bin", "tsc");

function setUp() {
  assert.ok(existsSync(join(pkgDir, "dist", "client.d.ts")), "js/dist missing: run node js/scripts/build.mjs");
  assert.ok(existsSync(tsc), "tests/types/node_modules missing: scripts/setup runs npm ci here");
  const work = mkdtempSync(join(tmpdir(), "idos-core-types-"));
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
  const [info] = JSON.parse(out);
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error",
    join(work, info.filename)], { cwd: app, encoding: "utf8" });
  copyFileSync(join(here, "tsconfig.json"), join(app, "tsconfig.json"));
  return { work, app };
}

const runTsc = (app) => spawnSync("node", [tsc, "-p", app, "--noEmit", "--strict"], { encoding: "utf8" });

test("the installed package type-checks under tsc --strict, results typed (no any)", { timeout: 240_000 }, () => {
  const { work, app } = setUp();
  try {
    const version = JSON.parse(readFileSync(join(here, "node_modules", "typescript", "package.json"), "utf8")).version;
    assert.equal(version, JSON.parse(readFileSync(join(here, "package.json"), "utf8")).devDependencies.typescript);
    copyFileSync(join(here, "consumer.ts"), join(app, "consumer.ts"));
    const r = runTsc(app);
    assert.equal(r.status, 0, `tsc --strict failed:\n${r.stdout}${r.stderr}`);

    // The check can fail: a result used as the wrong type is reported against the installed types.
    writeFileSync(join(app, "consumer.ts"), readFileSync(join(here, "consumer.ts"), "utf8") +
      "\nexport async function wrong(node: NodeClient): Promise<string> { return (await node.nodeInfo()).max_body; }\n");
    const bad = runTsc(app);
    assert.notEqual(bad.status, 0, "tsc accepted a number returned as a string");
    assert.match(bad.stdout, /consumer\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

// The real wallet libraries' types (ethers, viem, pinned here) accepted by signerFrom. The file is
// checked from a temporary folder inside this one, so ethers and viem resolve from this folder's
// node_modules and idos-core from the installed tarball (linked in). skipLibCheck: the point is
// whether their types fit ours; our own declarations are checked strictly by the test above.
test("signerFrom accepts the real ethers and viem types (tsc --strict)", { timeout: 240_000 }, () => {
  const { work, app } = setUp();
  const local = mkdtempSync(join(here, ".wallets-check-"));
  try {
    mkdirSync(join(local, "node_modules"));
    symlinkSync(join(app, "node_modules", "idos-core"), join(local, "node_modules", "idos-core"), "dir");
    writeFileSync(join(local, "package.json"), JSON.stringify({ name: "wallets-check", private: true, type: "module" }));
    const config = JSON.parse(readFileSync(join(here, "tsconfig.json"), "utf8"));
    config.compilerOptions.skipLibCheck = true;
    config.files = ["wallets.ts"];
    writeFileSync(join(local, "tsconfig.json"), JSON.stringify(config));
    copyFileSync(join(here, "wallets.ts"), join(local, "wallets.ts"));
    const r = runTsc(local);
    assert.equal(r.status, 0, `tsc --strict failed:\n${r.stdout}${r.stderr}`);
    // The check can fail: a value that is no wallet is refused.
    writeFileSync(join(local, "wallets.ts"), readFileSync(join(here, "wallets.ts"), "utf8") +
      "\nexport const notAWallet = signerFrom({ address: 42 });\n");
    const bad = runTsc(local);
    assert.notEqual(bad.status, 0, "tsc accepted a value that is no wallet");
  } finally {
    rmSync(local, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});
