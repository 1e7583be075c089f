// The demo's injected-wallet path in Debian's Chromium: an EIP-1193 provider is injected into the
// page before any script runs (addInitScript), as a browser extension injects window.ethereum. It
// is a test wallet backed by a real secp256k1 key: eth_requestAccounts gives the key's EIP-55
// address and personal_sign is answered by an ethers Wallet holding the key, in the test process
// (exposeFunction), so the page's code (the package's signerFrom(window.ethereum)) is what runs
// in the page. The user switches to "my browser wallet", creates a profile (signed requests and
// the vault's wallet slot through personal_sign), and the node holds the wallet.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Wallet, getBytes } from "ethers";
import { chromium } from "playwright-core";
import { startDemo } from "../launch.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const wallet = Wallet.createRandom();
const requests = [];
let demo, context, page, profileDir, dataDir;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing (apt-get install chromium)`);
  dataDir = mkdtempSync(join(tmpdir(), "idos-demo-injected-data-"));
  profileDir = mkdtempSync(join(tmpdir(), "idos-demo-injected-chromium-"));
  demo = await startDemo({ webPort: 0, nodePort: 0, dataDir, quiet: true });
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  // The wallet's key stays in this process; the page only sees the provider.
  await page.exposeFunction("__testWalletPersonalSign", async (dataHex, address) => {
    if (String(address).toLowerCase() !== wallet.address.toLowerCase()) throw new Error("unknown account");
    return wallet.signMessage(getBytes(dataHex));
  });
  await page.addInitScript((address) => {
    window.ethereum = {
      isTestWallet: true,
      async request({ method, params = [] }) {
        window.__walletRequests = [...(window.__walletRequests ?? []), method];
        if (method === "eth_requestAccounts" || method === "eth_accounts") return [address];
        if (method === "personal_sign") return window.__testWalletPersonalSign(params[0], params[1]);
        const e = new Error(`The method ${method} is not supported`);
        e.code = 4200;
        throw e;
      },
    };
  }, wallet.address);
});

after(async () => {
  await context?.close().catch(() => {});
  await demo?.stop().catch(() => {});
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const byId = (id) => page.getByTestId(id);

test("the user's role on the injected wallet: profile created, signed by it, key in the node's directory", { timeout: 120_000 }, async () => {
  await page.goto(demo.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  await byId("tab-user").click();
  await page.waitForSelector('[data-testid="panel-user"]');
  const generated = (await byId("user-wallet").getAttribute("title")).toLowerCase();
  assert.notEqual(generated, wallet.address.toLowerCase());
  await page.getByRole("button", { name: "use my browser wallet" }).click();
  await page.waitForFunction((addr) => document.querySelector('[data-testid="user-wallet"]')?.title === addr,
    wallet.address.toLowerCase(), { timeout: 15_000 });
  assert.match(await page.locator(".rolebar.role-user").textContent(), /browser wallet/);

  await byId("user-password").fill("correct horse battery staple");
  await byId("create-profile").click();
  await byId("user-public-key").waitFor({ timeout: 60_000 });
  const pk = (await byId("user-public-key").textContent()).trim();
  assert.match(await page.locator("#receipts").textContent(), /✓ signature verified.*create_user/s);

  // The node registered the injected wallet (asked by its EIP-55 address, as wallets give it).
  const dir = await (await fetch(`${demo.url}v1/public/wallets/${wallet.address}/encryption-key`)).json();
  assert.equal(dir.wallet_identifier, wallet.address.toLowerCase());
  assert.equal(dir.encryption_public_key, pk);
  const methods = await page.evaluate(() => window.__walletRequests);
  assert.ok(methods.includes("eth_requestAccounts"), `provider calls: ${methods}`);
  assert.ok(methods.filter((x) => x === "personal_sign").length >= 2, "signed requests and the vault slot");

  // The vault's wallet slot opens with the injected wallet's signature.
  await byId("lock").click();
  await byId("unlock-wallet-button").click();
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="user-status"]');
    return el && !el.hidden && !el.classList.contains("status-busy");
  }, null, { timeout: 30_000 });
  assert.match(await byId("user-status").textContent(), /Unlocked/);
  assert.deepEqual(pageErrors, []);
});
