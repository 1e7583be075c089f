// The package as a dApp installs it, in a browser: `npm pack`, install of the tarball into an empty
// project, the README's example bundled by Vite (pinned in js/package-lock.json) from that
// project's node_modules, served on 127.0.0.1 and run in Debian's Chromium; its output must be the
// README's. The async key derivation's worker is bundled too and must run in the page.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build } from "vite";
import { serve } from "./server.js";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, "..", "..");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function fencedAfter(text, marker, lang) {
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `README.md has no "${marker}"`);
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(text.slice(at));
  assert.ok(m, `README.md has no \`\`\`${lang} block after "${marker}"`);
  return m[1];
}

test("npm pack -> install -> the README's example bundled by Vite runs in Chromium", { timeout: 300_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing (apt-get install chromium)`);
  const work = mkdtempSync(join(tmpdir(), "idos-core-pack-vite-"));
  let context;
  let served;
  try {
    const [info] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" }));
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=warn",
      join(work, info.filename)], { cwd: app, encoding: "utf8" });
    assert.equal(install.status, 0, `npm install failed:\n${install.stdout}\n${install.stderr}`);

    // The README's example as written; its console.log lines go to the page. The example's
    // top-level code runs inside an async function (Vite's default build target predates
    // top-level await), its imports stay at the top.
    const readme = readFileSync(join(app, "node_modules", "idos-core", "README.md"), "utf8");
    const example = fencedAfter(readme, "## Example", "js");
    const lines = example.split("\n");
    const imports = lines.filter((l) => /^import /.test(l));
    const body = lines.filter((l) => !/^import /.test(l)).join("\n");
    writeFileSync(join(app, "index.html"), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<pre id="out">running</pre><script type="module" src="./main.js"></script>\n');
    writeFileSync(join(app, "main.js"), `${imports.join("\n")}
const printed = [];
const log = console.log;
console.log = (...args) => { printed.push(args.map(String).join(" ")); log(...args); };
(async () => {
${body}
  // The worker behind the async derivation was bundled and runs here.
  const fromWorker = await idos.deriveEncryptionKeyPairAsync("correct horse battery staple", userId);
  window.__asyncPublicKey = idos.toHex(fromWorker.publicKey);
  window.__workerFetched = performance.getEntriesByType("resource").some((e) => /derive-worker/.test(e.name));
  fromWorker.dispose();
})().then(() => { window.__printed = printed.join("\\n") + "\\n"; },
  (e) => { window.__printed = "FAILED: " + (e && (e.code || "") + " " + e.message); });
`);
    const outDir = join(work, "dist");
    await build({ root: app, logLevel: "error", configFile: false, build: { outDir, emptyOutDir: true } });
    const assets = readdirSync(join(outDir, "assets"));
    assert.ok(assets.some((f) => f.endsWith(".wasm")), `no .wasm emitted: ${assets.join(", ")}`);
    assert.ok(assets.some((f) => /^derive-worker.*\.js$/.test(f)), `the derivation worker was not emitted: ${assets.join(", ")}`);

    served = await serve({ "/": outDir });
    const profile = join(work, "chromium");
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${served.url}/index.html`);
    await page.waitForFunction(() => window.__printed !== undefined, null, { timeout: 120_000 });
    const printed = await page.evaluate(() => window.__printed);
    assert.equal(printed, fencedAfter(readme, "It prints:", "text"));
    const asyncKey = await page.evaluate(() => window.__asyncPublicKey);
    // The README's password and user id: the key the other tests know (and @noble's scrypt gives).
    assert.equal(asyncKey, "0e99f97a9212fbd19da6fb0117556468ae1206a7a143e60f7623462089d4454b");
    assert.equal(await page.evaluate(() => window.__workerFetched), true, "the page loaded the bundled worker");
    assert.deepEqual(errors, []);
  } finally {
    await context?.close().catch(() => {});
    await served?.close().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
});
