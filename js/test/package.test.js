// Packaging: `npm pack` gives a tarball that installs in an empty folder and works from Node.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pkgDir } from "./helpers.js";

test("npm pack -> install in an empty folder -> import and use from Node", { timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "idos-core-pack-"));
  try {
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
    const [info] = JSON.parse(out);
    const files = info.files.map((f) => f.path).sort();
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/constants.js", "dist/constants.d.ts", "dist/idos_core.mjs",
      "dist/idos_core.wasm", "package.json"]) {
      assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(", ")}`);
    }
    assert.ok(!files.some((f) => f.startsWith("test/") || f.startsWith("src/")), "tests or sources shipped");
    const app = join(work, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error",
      join(work, info.filename)], { cwd: app, encoding: "utf8" });
    writeFileSync(join(app, "main.js", ), `
      import { load, IdosError } from "idos-core";
      const idos = await load();
      const kp = idos.deriveEncryptionKeyPair("pw", "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12");
      const m = idos.encrypt("packaged", kp.publicKey);
      const text = new TextDecoder().decode(idos.decrypt(m.content, m.encryptorPublicKey, kp));
      kp.dispose();
      let code = "";
      try { kp.exportSecretKey(); } catch (e) { code = e instanceof IdosError ? e.code : String(e); }
      console.log(JSON.stringify({ version: idos.version, text, code }));
    `);
    const result = JSON.parse(execFileSync("node", ["main.js"], { cwd: app, encoding: "utf8" }).trim());
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    assert.deepEqual(result, { version: result.version, text: "packaged", code: "INVALID_KEY" });
    assert.match(result.version, /^\d+\.\d+\.\d+/);
    assert.equal(pkg.type, "module");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
