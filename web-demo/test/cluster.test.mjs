// The cluster demo (scripts/demo --cluster) as a visitor meets it: startClusterDemo() (the code the
// script runs) starts 3 nats-servers and 3 idos-nodes through scripts/cluster's machinery on free
// loopback ports in a temporary folder, and the demo's web server with its node control; Debian's
// Chromium (playwright-core, never a downloaded browser) then checks: every node shown ok, a write
// signed by all three nodes (entries verified in the page), a node killed from the header, a write
// and a read still succeeding through the others, the node shown stopped, restarted, and caught up
// to the others' position and state hash. Screenshots under test-output/demo/ (cluster-*.png).
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { freePort, ROOT, startClusterDemo } from "../launch.mjs";
import { startServer } from "../server.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOTS = process.env.IDOS_DEMO_SHOTS ?? join(ROOT, "test-output", "demo");
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const PASSWORD = "correct horse battery staple";
const NODES = ["node1", "node2", "node3"];

let demo, context, page, profileDir;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing (apt-get install chromium)`);
  mkdirSync(SHOTS, { recursive: true });
  profileDir = mkdtempSync(join(tmpdir(), "idos-cluster-demo-chromium-"));
  demo = await startClusterDemo({ webPort: 0, quiet: true });
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: DESKTOP,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("dialog", (d) => d.dismiss().catch(() => {}));
});

after(async () => {
  await context?.close().catch(() => {});
  await demo?.stop().catch(() => {});
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

const byId = (id) => page.getByTestId(id);
async function shot(name, viewport = DESKTOP) {
  await page.setViewportSize(viewport);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: viewport === DESKTOP });
  if (viewport !== DESKTOP) await page.setViewportSize(DESKTOP);
}
async function tab(id) {
  await byId(`tab-${id}`).click();
  await page.waitForSelector(`[data-testid="panel-${id}"]`);
}
async function settled(testid, timeout = 30_000) {
  const loc = byId(testid);
  await loc.waitFor({ state: "visible", timeout });
  await page.waitForFunction((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return el && !el.hidden && !el.classList.contains("status-busy");
  }, testid, { timeout });
  return (await loc.textContent()).trim();
}
/** The header's view of every node: {name: {status, position, stateHash}}. */
function header() {
  return page.evaluate((names) => Object.fromEntries(names.map((n) => {
    const el = document.querySelector(`[data-testid="cluster-node-${n}"]`);
    return [n, el ? { status: el.dataset.status, position: Number(el.dataset.position), stateHash: el.dataset.stateHash } : null];
  })), NODES);
}
/** Waits (bounded) until the header shows `names` with `status`, all at one position and state hash. */
async function waitNodesAgree(names, status, timeout) {
  await page.waitForFunction(({ names: ns, status: st }) => {
    const cards = ns.map((n) => document.querySelector(`[data-testid="cluster-node-${n}"]`));
    if (cards.some((c) => !c || c.dataset.status !== st)) return false;
    return new Set(cards.map((c) => `${c.dataset.position}/${c.dataset.stateHash}`)).size === 1;
  }, { names, status }, { timeout, polling: 250 });
}
/** The per-node entries of the write at `position`: {signed, agree, chips: {node: {state, text}}}. */
function writeEntries(position) {
  return page.evaluate((p) => {
    const li = document.querySelector(`[data-testid="write-entries"][data-position="${p}"]`);
    if (!li) return null;
    return {
      signed: Number(li.dataset.signed), agree: li.dataset.agree === "true", text: li.textContent,
      chips: Object.fromEntries([...li.querySelectorAll("[data-testid^=entry-]")].map((c) => [c.dataset.testid.slice(6), { state: c.dataset.state, text: c.textContent }])),
    };
  }, position);
}
function newestWritePosition() {
  return page.evaluate(() => Number(document.querySelector('[data-testid="write-entries"]')?.dataset.position ?? 0));
}
/** A request to the demo server with exact headers (Host included), for the control's refusals. */
function rawRequest(method, path, headers, body = "") {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: demo.webPort, method, path, headers, timeout: 10_000 }, (res) => {
      let text = "";
      res.on("data", (d) => { text += d; });
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end(body);
  });
}

test("cluster mode: the header shows all three nodes ok, at one position", { timeout: 60_000 }, async () => {
  const config = await (await fetch(`${demo.url}demo-config.json`)).json();
  assert.equal(config.mode, "cluster");
  assert.deepEqual(config.nodes.map((n) => n.name), NODES);
  assert.deepEqual(config.nodes.map((n) => n.node_id), demo.nodes.map((n) => n.nodeId));
  for (const n of NODES) {
    const health = await (await fetch(`${demo.url}nodes/${n}/health`)).json();
    assert.equal(health.status, "ok");
    assert.equal(health.log, "nats");
  }
  await page.goto(demo.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  await waitNodesAgree(NODES, "ok", 20_000);
  for (const n of NODES) assert.equal((await byId(`cluster-status-${n}`).textContent()).trim(), "ok");
  assert.equal(await byId("node-status").isHidden(), true, "the single-node pill is replaced by the cluster header");
  await shot("cluster-00-start-desktop");
});

test("a write shows a signed, verified entry from each of the three nodes, one state hash", { timeout: 90_000 }, async () => {
  await tab("user");
  await byId("user-password").fill(PASSWORD);
  await byId("create-profile").click();
  await byId("user-public-key").waitFor({ timeout: 60_000 });
  assert.match(await page.locator("#receipts").textContent(), /✓ signature verified.*create_user/s);
  const position = await newestWritePosition();
  assert.ok(position > 0, "the write's log position is shown");
  await page.waitForFunction((p) => document.querySelector(`[data-testid="write-entries"][data-position="${p}"]`)?.dataset.signed === "3",
    position, { timeout: 20_000, polling: 250 });
  const w = await writeEntries(position);
  assert.equal(w.agree, true);
  assert.match(w.text, /✓ all 3 nodes signed the same state at #\d+/);
  const hashes = new Set();
  for (const n of NODES) {
    assert.equal(w.chips[n].state, "verified", `${n}: ${w.chips[n].text}`);
    assert.match(w.chips[n].text, new RegExp(`^${n} ✓ OK · state [0-9a-f]{8}…`));
    hashes.add(w.chips[n].text.split("state ")[1]);
  }
  assert.equal(hashes.size, 1);
  // The same entries straight from the nodes: the page showed what each node signed.
  for (const [i, n] of NODES.entries()) {
    const entry = await (await fetch(`${demo.url}nodes/${n}/v1/log/${position}`)).json();
    assert.equal(entry.node_id, demo.nodes[i].nodeId);
    assert.ok(w.chips[n].text.endsWith(`${entry.state_hash.slice(0, 8)}…`));
  }
  await waitNodesAgree(NODES, "ok", 20_000);
  assert.equal((await header()).node1.position, position);
  await shot("cluster-01-write-three-receipts-desktop");
});

test("kill -9 a node from the header: writes and reads go on through the others; it is shown stopped", { timeout: 120_000 }, async () => {
  // The page's requests went to node1 so far (the first node, and it answered).
  assert.equal(await byId("cluster-inuse-node1").count(), 1);
  await byId("node-kill-node1").click();
  assert.match(await settled("cluster-control-status"), /node1 stopped \(SIGKILL\)\. Writes and reads go on/);
  await page.waitForFunction(() => document.querySelector('[data-testid="cluster-node-node1"]')?.dataset.status === "stopped", null, { timeout: 15_000 });
  assert.equal((await byId("cluster-status-node1").textContent()).trim(), "stopped");
  assert.equal(await byId("node-restart-node1").isDisabled(), false);
  assert.equal((await fetch(`${demo.url}nodes/node1/health`)).status, 502, "node1 is really down");
  const { nodes } = await (await fetch(`${demo.url}demo/nodes`)).json();
  assert.deepEqual(nodes.map((n) => [n.name, n.running]), [["node1", false], ["node2", true], ["node3", true]]);

  // A write: the page's client sends to node1 first (the node that answered last), gets the
  // proxy's 502 and resends the same signed request to node2.
  await tab("issuer");
  await byId("dwg-validity").selectOption("900");
  await byId("sign-dwg").click();
  assert.match(await settled("dwg-status"), /Signed by the user's wallet/);
  await byId("kyc-name").fill("Ada Lovelace");
  await byId("issue-credential").click();
  assert.match(await settled("issue-status"), /Credential .* written .* 3 receipts \(all signatures verified; their hashes match the records sent\)/);
  const position = await newestWritePosition();
  await page.waitForFunction((p) => document.querySelector(`[data-testid="write-entries"][data-position="${p}"]`)?.dataset.signed === "2",
    position, { timeout: 20_000, polling: 250 });
  const w = await writeEntries(position);
  assert.equal(w.chips.node2.state, "verified");
  assert.equal(w.chips.node3.state, "verified");
  assert.equal(w.chips.node1.state, "pending");
  assert.match(w.chips.node1.text, /^node1 … (no answer|not applied yet) \(stopped\)$/);
  assert.match(w.text, /2 of 3 nodes signed #\d+ so far/);
  // The client failed over: node2 answered the write, and the page now goes there first.
  await byId("cluster-inuse-node2").waitFor({ timeout: 10_000 });
  assert.equal(await byId("cluster-inuse-node1").count(), 0);

  // A read: the user's credentials, listed and decrypted (the node that answers has the write).
  await tab("credentials");
  await page.waitForSelector('[data-testid="credential-list"] table', { timeout: 20_000 });
  assert.match(await byId("credential-list").textContent(), /your credential/);
  await byId("decrypt").first().click();
  assert.match(await settled("credentials-status"), /Decrypted locally.*SHA-256 matches/);
  await waitNodesAgree(["node2", "node3"], "ok", 20_000);
  assert.equal((await header()).node1.status, "stopped");
  await shot("cluster-02-node1-stopped-desktop");
  await shot("cluster-02b-node1-stopped-phone", PHONE);
});

test("restart the node: it catches up to the others' position and state hash, and signs the write it missed", { timeout: 120_000 }, async () => {
  const missed = await newestWritePosition();
  await byId("node-restart-node1").click();
  assert.match(await settled("cluster-control-status", 40_000), /node1 is running again/);
  await waitNodesAgree(NODES, "ok", 60_000);
  const view = await header();
  assert.ok(view.node1.position >= missed, `node1 at #${view.node1.position}, the write at #${missed}`);
  assert.equal(view.node1.stateHash, view.node2.stateHash);
  assert.match(view.node1.stateHash, /^[0-9a-f]{64}$/);
  // The nodes themselves agree too (not only the page).
  const entries = await Promise.all(NODES.map(async (n) => (await fetch(`${demo.url}nodes/${n}/v1/log/${missed}`)).json()));
  assert.equal(new Set(entries.map((e) => e.state_hash)).size, 1);
  await page.waitForFunction((p) => document.querySelector(`[data-testid="write-entries"][data-position="${p}"]`)?.dataset.signed === "3",
    missed, { timeout: 20_000, polling: 250 });
  const w = await writeEntries(missed);
  assert.equal(w.chips.node1.state, "verified");
  assert.match(w.text, /✓ all 3 nodes signed the same state/);
  await shot("cluster-03-node1-caught-up-desktop");
  assert.deepEqual(pageErrors, []);
});

test("the node control answers only this demo's own page on loopback, and exists only in cluster mode", { timeout: 30_000 }, async () => {
  const host = `127.0.0.1:${demo.webPort}`;
  const json = { "content-type": "application/json" };
  const foreign = await rawRequest("POST", "/demo/nodes/node2/stop", { host, origin: "http://evil.example", ...json }, "{}");
  assert.equal(foreign.status, 403);
  const rebound = await rawRequest("POST", "/demo/nodes/node2/stop", { host: `evil.example:${demo.webPort}`, ...json }, "{}");
  assert.equal(rebound.status, 403);
  const crossSite = await rawRequest("POST", "/demo/nodes/node2/stop", { host, "sec-fetch-site": "cross-site", ...json }, "{}");
  assert.equal(crossSite.status, 403);
  const form = await rawRequest("POST", "/demo/nodes/node2/stop", { host, "content-type": "text/plain" }, "{}");
  assert.equal(form.status, 415);
  const badSignal = await rawRequest("POST", "/demo/nodes/node2/stop", { host, ...json }, '{"signal":"SIGSTOP"}');
  assert.equal(badSignal.status, 400);
  const { nodes } = await (await fetch(`${demo.url}demo/nodes`)).json();
  assert.ok(nodes.every((n) => n.running), "no refused request stopped a node");
  // A node's own API never offers it; the single-node demo's server has no control at all.
  assert.equal((await fetch(`${demo.url}nodes/node2/demo/nodes`)).status, 404);
  const single = await startServer({ port: 0, nodePort: await freePort() });
  try {
    assert.equal((await fetch(`${single.url}demo/nodes`)).status, 404);
    const post = await fetch(`${single.url}demo/nodes/node1/stop`, { method: "POST", headers: json, body: "{}" });
    assert.equal(post.status, 405);
    assert.deepEqual(await (await fetch(`${single.url}demo-config.json`)).json().then((c) => c.mode), undefined);
  } finally {
    await single.close();
  }
});
