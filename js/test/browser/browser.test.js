// The package in a real browser: Debian's Chromium driven by playwright-core (never downloads a
// browser), the page served by a tiny static server on 127.0.0.1.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build } from "vite";
import { serve } from "./server.js";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, "..", "..");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const walletCase = {
  type: "EVM", identifier: "0xb8Ea278D7e2328Ab5c9faA54e7b3E7557Be14718", message: "Sign in to idOS. Nonce: 8f3c2a",
  signature: "0xaedda50ef6da78a22759a66ea79553b1d353065879e74a4e3b5ab9a710cab3dd681ebc866fa7e84cad9cf5ac24f92d77a79301560f5a5b34727708b3ff05b9711b",
};
const params = { password: "correct horse battery staple", userId: "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12", walletCase };

let server, context, profile;
const consoleErrors = [];

// The folder of sqlite-wasm's browser entry (served at /sqlite/, imported as /sqlite/index.mjs by the
// pages' import maps), read from its package.json: the layout differs between releases.
function sqliteBrowserDir() {
  const root = join(pkgDir, "node_modules", "@sqlite.org", "sqlite-wasm");
  const entry = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).exports["."].browser;
  assert.match(entry, /(^|\/)index\.mjs$/, `sqlite-wasm's browser entry is ${entry}, the pages import index.mjs`);
  return join(root, dirname(entry));
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing (apt-get install chromium)`);
  server = await serve({
    "/pkg/": join(pkgDir, "dist"),
    "/sqlite/": sqliteBrowserDir(),
    "/": here,
  }, { "/params.json": params });
  profile = mkdtempSync(join(tmpdir(), "idos-chromium-"));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function runPage(path) {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 60_000 });
  const results = await page.evaluate(() => window.__results);
  await page.close();
  return results;
}

test("browser: derive -> encrypt -> decrypt -> verify in the page", { timeout: 90_000 }, async () => {
  const r = await runPage("/page.html");
  for (const [name, v] of Object.entries(r)) assert.ok(v.ok, `${name}: ${v.error}`);
  assert.match(r.version.value, /^\d+\.\d+\.\d+/);
  assert.equal(r.derive.value, "0e99f97a9212fbd19da6fb0117556468ae1206a7a143e60f7623462089d4454b");
  assert.equal(r.encryptDecrypt.value, "browser secret ✓");
  assert.equal(r.tampered.value, "DECRYPT_FAILED");
  assert.equal(r.disposed.value, "INVALID_KEY");
  assert.equal(r.verifyVector.value, true);
  assert.equal(r.signVerify.value, true);
  // The async derivation ran in a Web Worker: same key, the page not blocked for scrypt's time.
  const d = r.deriveAsync.value;
  assert.equal(d.publicKey, "0e99f97a9212fbd19da6fb0117556468ae1206a7a143e60f7623462089d4454b");
  assert.equal(d.same, true);
  assert.ok(d.inlineMs >= 40, `inline derivation blocked the page ${d.inlineMs} ms`);
  assert.ok(d.workerMs < d.inlineMs / 2, `page blocked ${d.workerMs} ms with the worker vs ${d.inlineMs} ms inline`);
  console.log(`# page blocked: inline ${d.inlineMs.toFixed(1)} ms, worker ${d.workerMs.toFixed(1)} ms`);
  assert.deepEqual(consoleErrors, []);
});

test("browser: the vault keeps its wrapped key in OPFS across reopen", { timeout: 90_000 }, async () => {
  const r = await runPage("/vault-page.html");
  assert.equal(r.error, undefined);
  assert.equal(r.backend, "opfs-snapshot");
  assert.equal(r.initializedAfterReopen, true);
  assert.equal(r.samePublicKey, true);
  assert.equal(r.cached, "cached");
  assert.deepEqual(consoleErrors, []);
});

test("browser: a Vite-bundled page finds the .wasm and works", { timeout: 120_000 }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), "idos-vite-"));
  try {
    await build({
      root: join(here, "vite-app"),
      logLevel: "error",
      configFile: false,
      resolve: { alias: { "idos-core": join(pkgDir, "dist", "index.js") } },
      build: { outDir, emptyOutDir: true },
    });
    const assets = readdirSync(join(outDir, "assets"));
    assert.ok(assets.some((f) => f.endsWith(".wasm")), `no .wasm emitted: ${assets.join(", ")}`);
    const bundled = await serve({ "/": outDir });
    try {
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(`${bundled.url}/index.html`);
      await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 60_000 });
      const r = await page.evaluate(() => window.__results);
      await page.close();
      assert.equal(r.error, undefined);
      assert.equal(r.publicKey, "0e99f97a9212fbd19da6fb0117556468ae1206a7a143e60f7623462089d4454b");
      assert.equal(r.text, "bundled ✓");
      assert.equal(r.verified, true);
      assert.equal(r.disposed, "INVALID_KEY");
      assert.equal(r.asyncPublicKey, r.publicKey, "the worker file was bundled and found");
      assert.deepEqual(errors, []);
    } finally {
      await bundled.close();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
