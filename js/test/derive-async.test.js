// deriveEncryptionKeyPairAsync in Node: the same key as the synchronous derivation (and as
// @noble/hashes' scrypt, through the sync one in interop.test.js), computed in a worker_threads
// worker while this thread's event loop keeps turning; errors keep their codes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { code, load, pkgDir } from "./helpers.js";

const idos = await load();
const USER = "0b9f35c4-5ae5-4c5c-9f1e-8d3a8c6d7e21";

/** Runs `work` while a 2 ms timer ticks; returns the longest gap between ticks (ms) and the result. */
async function longestGap(work) {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 2);
  try {
    const result = await work();
    longest = Math.max(longest, performance.now() - last);
    return { longest, result };
  } finally {
    clearInterval(timer);
  }
}

test("the async derivation gives the sync one's key, without blocking the event loop", async () => {
  const sync = await longestGap(async () => idos.deriveEncryptionKeyPair("pässword", USER));
  // Warm the worker path once (module load in the worker), then measure.
  (await idos.deriveEncryptionKeyPairAsync("warm-up", USER)).dispose();
  // The best of up to five runs: on a loaded machine one run can be paused by other processes.
  let async_ = null;
  for (let i = 0; i < 5; i++) {
    const run = await longestGap(() => idos.deriveEncryptionKeyPairAsync("pässword", USER));
    if (async_ === null || run.longest < async_.longest) {
      async_?.result.dispose();
      async_ = run;
    } else {
      run.result.dispose();
    }
    if (async_.longest < sync.longest / 4) break;
  }
  assert.deepEqual(async_.result.publicKey, sync.result.publicKey);
  assert.deepEqual(async_.result.exportSecretKey(), sync.result.exportSecretKey());
  assert.ok(sync.longest >= 40, `the sync derivation blocked ${sync.longest.toFixed(1)} ms (expected scrypt's cost)`);
  assert.ok(async_.longest < sync.longest / 2,
    `event loop blocked ${async_.longest.toFixed(1)} ms with the worker vs ${sync.longest.toFixed(1)} ms inline`);
  console.log(`# longest event-loop gap: inline ${sync.longest.toFixed(1)} ms, worker ${async_.longest.toFixed(1)} ms`);
  sync.result.dispose();
  async_.result.dispose();
});

test("the async derivation: idOS's salt rule and argument errors keep their codes", async () => {
  const v4 = "6f1c2a4e-1b2c-4d3e-8f4a-5b6c7d8e9f00";
  const a = await idos.deriveEncryptionKeyPairAsync("pw", v4, { salt: "idos" });
  const b = idos.deriveEncryptionKeyPair("pw", v4, { salt: "idos" });
  assert.deepEqual(a.publicKey, b.publicKey);
  a.dispose();
  b.dispose();
  await assert.rejects(idos.deriveEncryptionKeyPairAsync("pw", USER.replace(/^(.{14})4/, "$11"), { salt: "idos" }),
    code("INVALID_INPUT"), "a UUID v1 under idOS's rule");
  await assert.rejects(idos.deriveEncryptionKeyPairAsync("pw", "not a uuid"), (e) => e.code !== "INTERNAL");
  await assert.rejects(idos.deriveEncryptionKeyPairAsync(42, USER), code("INVALID_INPUT"));
  await assert.rejects(idos.deriveEncryptionKeyPairAsync("pw", USER, { salt: "x" }), code("INVALID_INPUT"));
});

test("a script that only awaits the async derivation gets its answer (the worker keeps Node alive)", () => {
  const index = pathToFileURL(join(pkgDir, "dist", "index.js")).href;
  const script = `import { load } from ${JSON.stringify(index)};
    const idos = await load();
    const kp = await idos.deriveEncryptionKeyPairAsync("pässword", ${JSON.stringify(USER)});
    console.log(idos.toHex(kp.publicKey));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const kp = idos.deriveEncryptionKeyPair("pässword", USER);
  assert.equal(run.stdout.trim(), idos.toHex(kp.publicKey));
  kp.dispose();
});

test("a worker that cannot start (its file missing from a bundle): the derivation runs inline, same key", () => {
  const copy = mkdtempSync(join(tmpdir(), "idos-core-no-worker-"));
  try {
    cpSync(join(pkgDir, "dist"), copy, { recursive: true, filter: (src) => !src.endsWith("derive-worker.js") });
    const script = `import { load } from ${JSON.stringify(pathToFileURL(join(copy, "index.js")).href)};
      const idos = await load();
      const kp = await idos.deriveEncryptionKeyPairAsync("pässword", ${JSON.stringify(USER)});
      console.log(idos.toHex(kp.publicKey));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const kp = idos.deriveEncryptionKeyPair("pässword", USER);
    assert.equal(run.stdout.trim(), idos.toHex(kp.publicKey));
    kp.dispose();
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
