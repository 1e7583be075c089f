// Packaging: `npm pack` gives a tarball that installs in an empty folder without engine warnings,
// ships README.md and LICENSE, refuses require() with a clear message, runs the README's example
// as written and opens a vault (its SQLite WASM dependency) from the installed tree.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pkgDir } from "./helpers.js";

/** The fenced block of `lang` that follows `marker` in `text` (the README's example and its output). */
function fencedAfter(text, marker, lang) {
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `README.md has no "${marker}"`);
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(text.slice(at));
  assert.ok(m, `README.md has no \`\`\`${lang} block after "${marker}"`);
  return m[1];
}

test("npm pack -> install in an empty folder -> README example, require() error, no engine warning", { timeout: 240_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "idos-core-pack-"));
  try {
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
    const [info] = JSON.parse(out);
    const files = info.files.map((f) => f.path).sort();
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/client.js", "dist/client.d.ts", "dist/vault.js",
      "dist/vault.d.ts", "dist/constants.js", "dist/constants.d.ts", "dist/idos_core.mjs", "dist/idos_core.wasm",
      "dist/require.cjs", "dist/wallets.js", "dist/derive-worker.js", "package.json", "README.md", "LICENSE"]) {
      assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(", ")}`);
    }
    assert.ok(!files.some((f) => f.startsWith("test/") || f.startsWith("src/")), "tests or sources shipped");
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    const license = readFileSync(join(pkgDir, "LICENSE"), "utf8");
    assert.equal(pkg.license, "MIT");
    assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 idos-core contributors\n/);

    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    // --engine-strict fails the install when any package's engines exclude this Node; the warning
    // level output must not mention EBADENGINE either.
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--engine-strict",
      "--loglevel=warn", join(work, info.filename)], { cwd: app, encoding: "utf8" });
    assert.equal(install.status, 0, `npm install failed:\n${install.stdout}\n${install.stderr}`);
    assert.doesNotMatch(install.stdout + install.stderr, /EBADENGINE|Unsupported engine/);
    // The README ships in the tarball and its example runs as written.
    const readme = readFileSync(join(app, "node_modules", "idos-core", "README.md"), "utf8");
    assert.equal(readme, readFileSync(join(pkgDir, "README.md"), "utf8"));
    assert.ok(readFileSync(join(app, "node_modules", "idos-core", "LICENSE"), "utf8").includes("idos-core contributors"));
    writeFileSync(join(app, "example.mjs"), fencedAfter(readme, "## Example", "js"));
    const run = spawnSync("node", ["example.mjs"], { cwd: app, encoding: "utf8" });
    assert.equal(run.status, 0, `the README example failed:\n${run.stderr}`);
    assert.equal(run.stdout, fencedAfter(readme, "It prints:", "text"));

    // The vault's dependency (SQLite WASM) loads and works on this Node from the installed tree.
    writeFileSync(join(app, "vault.mjs"), `
      import { load } from "idos-core";
      import { openVault } from "idos-core/vault";
      const idos = await load();
      const vault = await openVault({ storage: "memory" });
      const kp = idos.generateEncryptionKeyPair();
      await vault.create({ keyPair: kp, password: "pw", kdf: { kdf: "scrypt", N: 1024, r: 8, p: 1 } });
      const again = vault.unlockWithPassword("pw");
      console.log(JSON.stringify({ backend: vault.backend, same: idos.toHex(again.publicKey) === idos.toHex(kp.publicKey) }));
      await vault.close();
    `);
    const vault = spawnSync("node", ["vault.mjs"], { cwd: app, encoding: "utf8" });
    assert.equal(vault.status, 0, `the vault failed in the installed package:\n${vault.stderr}`);
    assert.deepEqual(JSON.parse(vault.stdout), { backend: "memory", same: true });

    // require() of every entry point: the package's own message, not "No exports main defined".
    for (const entry of ["idos-core", "idos-core/client", "idos-core/vault"]) {
      const cjs = spawnSync("node", ["-e", `try { require(${JSON.stringify(entry)}); console.log("loaded"); } ` +
        "catch (e) { console.log(e.message); }"], { cwd: app, encoding: "utf8" });
      assert.equal(cjs.status, 0, cjs.stderr);
      assert.match(cjs.stdout, /^idos-core is ESM-only and cannot be loaded with require\(\)/);
      assert.match(cjs.stdout, /await import\("idos-core"\)/);
    }
    // ...while import() from CommonJS works.
    const dyn = spawnSync("node", ["-e", "import('idos-core').then(async ({ load }) => console.log((await load()).version))"],
      { cwd: app, encoding: "utf8" });
    assert.equal(dyn.status, 0, dyn.stderr);
    assert.match(dyn.stdout.trim(), /^\d+\.\d+\.\d+/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
