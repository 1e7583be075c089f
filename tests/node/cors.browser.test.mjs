// CORS in a real browser: a page served from another origin calls the node from Debian's Chromium
// (playwright-core, never downloads a browser). The node lists the page's origin in --cors-origins:
// a public read, and a signed request (whose Idos-Signed-Request header needs a preflight), both
// succeed; the same signed call from an origin not on the list is blocked by the browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import http from "node:http";
import { chromium } from "playwright-core";
import { startNode, faceSignWallet, createUser, signedRequestHeader } from "./helpers.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let page_server, node, browser, pageOrigin;
const wallet = faceSignWallet();

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing (apt-get install chromium)`);
  page_server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>dApp</title><p>another origin</p>");
  });
  await new Promise((r) => page_server.listen(0, "127.0.0.1", r));
  pageOrigin = `http://127.0.0.1:${page_server.address().port}`;
  node = await startNode({ args: ["--cors-origins", pageOrigin] });
  assert.equal((await createUser(node, wallet)).response.status, 201);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
});

after(async () => {
  if (browser) await browser.close();
  if (node) await node.stop();
  if (page_server) page_server.close();
});

async function fetchFrom(origin, target, header) {
  const page = await browser.newPage();
  try {
    await page.goto(origin + "/");
    return await page.evaluate(async ({ url, header }) => {
      try {
        const res = await fetch(url, { headers: header ? { "Idos-Signed-Request": header } : {} });
        return { status: res.status, body: await res.json() };
      } catch (e) {
        return { error: String(e) };
      }
    }, { url: node.url + target, header });
  } finally {
    await page.close();
  }
}

test("a page on a listed origin reads public data and makes a signed call (preflight passes)", async () => {
  const pub = await fetchFrom(pageOrigin, "/v1/public/grants");
  assert.equal(pub.status, 200, JSON.stringify(pub));
  assert.ok(Array.isArray(pub.body.grants));
  const header = await signedRequestHeader(wallet, "GET", "/v1/users/me", "");
  const me = await fetchFrom(pageOrigin, "/v1/users/me", header);
  assert.equal(me.status, 200, JSON.stringify(me));
  assert.equal(me.body.wallets[0].wallet_identifier, wallet.identifier);
});

test("the same signed call from an origin not on the list is blocked by the browser", async () => {
  // Same server, another origin (localhost is not 127.0.0.1 for the browser).
  const otherOrigin = pageOrigin.replace("127.0.0.1", "localhost");
  const header = await signedRequestHeader(wallet, "GET", "/v1/users/me", "");
  const r = await fetchFrom(otherOrigin, "/v1/users/me", header);
  assert.ok(r.error, `blocked: ${JSON.stringify(r)}`);
  assert.match(r.error, /TypeError|Failed to fetch/);
});
