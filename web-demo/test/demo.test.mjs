// The demo as a newcomer meets it: starts idos-node + the web server (web-demo/launch.mjs, the
// same code scripts/demo runs) on free ports with a fresh data folder, drives Debian's Chromium
// through playwright-core (never a downloaded browser), clicks through roles 1-6, asserts what the
// page says, and saves screenshots at 1280x800 and 390x844 under test-output/demo/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { ROOT, startDemo } from "../launch.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOTS = process.env.IDOS_DEMO_SHOTS ?? join(ROOT, "test-output", "demo");
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const PASSWORD = "correct horse battery staple";
let userPassword = PASSWORD;  // the user's password now (test 7 changes it)
const TIMELOCK_SECONDS = 30;

let demo, context, page, profileDir, dataDir;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing (apt-get install chromium)`);
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), "idos-demo-data-"));
  profileDir = mkdtempSync(join(tmpdir(), "idos-demo-chromium-"));
  demo = await startDemo({ webPort: 0, nodePort: 0, dataDir, quiet: true });
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
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const byId = (id) => page.getByTestId(id);
const panel = () => page.locator(".panel");
/** Desktop: the full page. Phone: what the screen shows, scrolled to `focus` when given. */
async function shot(name, viewport = DESKTOP, focus = null) {
  await page.setViewportSize(viewport);
  if (focus) await focus.scrollIntoViewIfNeeded();
  else await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: viewport === DESKTOP });
  if (viewport !== DESKTOP) await page.setViewportSize(DESKTOP);
}
async function tab(id) {
  await byId(`tab-${id}`).click();
  await page.waitForSelector(`[data-testid="panel-${id}"]`);
}
/** Waits for a status line to leave its busy state and returns its text. */
async function settled(testid, timeout = 30_000) {
  const loc = byId(testid);
  await loc.waitFor({ state: "visible", timeout });
  await page.waitForFunction((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return el && !el.hidden && !el.classList.contains("status-busy");
  }, testid, { timeout });
  return (await loc.textContent()).trim();
}

test("the demo starts: node healthy, page loads the module and shows the node online", { timeout: 60_000 }, async () => {
  const health = await (await fetch(`${demo.url}health`)).json();
  assert.equal(health.status, "ok");
  await page.goto(demo.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  await assert.doesNotReject(page.waitForFunction(() => document.querySelector("#node-status")?.textContent.includes("node online"), null, { timeout: 10_000 }));
  assert.match(await byId("node-status").textContent(), new RegExp(`id ${health.node_id.slice(0, 10)}`));
  await shot("00-start-desktop");
});

test("1 user: create a profile, see the public key, wrong password refused in words, unlock by password and by wallet", { timeout: 90_000 }, async () => {
  await tab("user");
  await byId("user-password").fill("short");
  await byId("create-profile").click();
  assert.match(await settled("user-status"), /at least 8 characters/);
  await byId("user-password").fill(PASSWORD);
  await byId("create-profile").click();
  await byId("user-public-key").waitFor({ timeout: 60_000 });
  const pk = (await byId("user-public-key").textContent()).trim();
  assert.match(pk, /^[A-Za-z0-9+/]{43}=$/);
  assert.match(await byId("user-lock-state").textContent(), /^Unlocked/);
  assert.match(await page.locator("#receipts").textContent(), /✓ signature verified.*create_user/s);
  await shot("01-user-profile-desktop");

  await byId("lock").click();
  assert.match(await byId("user-lock-state").textContent(), /^Locked/);
  await byId("unlock-password").fill("not my password");
  await byId("unlock-password-button").click();
  const wrong = await settled("user-status");
  assert.match(wrong, /Wrong password/);
  assert.doesNotMatch(wrong, /at .*\.js:\d+|Error:/); // words, not a stack trace
  await shot("01b-user-wrong-password-desktop");
  await byId("unlock-wallet-button").click();
  assert.match(await settled("user-status"), /Unlocked.*matches the public key the node has/);
  await byId("lock").click();
  await byId("unlock-password").fill(PASSWORD);
  await byId("unlock-password-button").click();
  assert.match(await settled("user-status"), /Unlocked/);
  assert.equal((await byId("user-public-key").textContent()).trim(), pk);
  await shot("01c-user-unlocked-phone", PHONE);
});

test("1d wallets: add a second wallet, remove it; the last wallet is refused in words", { timeout: 60_000 }, async () => {
  await tab("user");
  await page.waitForSelector('[data-testid="wallet-row"]', { timeout: 20_000 });
  assert.equal(await byId("wallet-row").count(), 1);
  await byId("add-wallet").click();
  assert.match(await settled("wallets-status"), /✓ Added wallet 0x/);
  assert.equal(await byId("wallet-row").count(), 2);
  assert.match(await page.locator("#receipts").textContent(), /Add wallet: add_wallet/);
  await shot("01d-wallets-added-desktop");
  await byId("remove-wallet").click();
  assert.match(await settled("wallets-status"), /✓ Removed wallet 0x.*refuses its signed requests/);
  assert.equal(await byId("wallet-row").count(), 1);
  assert.match(await page.locator("#receipts").textContent(), /Remove wallet: remove_wallet/);
  await byId("remove-this-wallet").click();
  const refused = await settled("wallets-status");
  assert.match(refused, /Refused by the node: this is your last wallet/);
  assert.match(refused, /FORBIDDEN/);
  assert.equal(await byId("wallet-row").count(), 1);
  await shot("01e-wallets-last-refused-desktop");
});

test("2 issuer: the user signs a delegated write grant, the issuer encrypts and writes a KYC credential", { timeout: 60_000 }, async () => {
  await tab("issuer");
  assert.equal(await byId("issue-credential").isDisabled(), true);
  // An expired grant first: signed for 5 seconds, used after they passed.
  await byId("dwg-validity").selectOption("5");
  await byId("sign-dwg").click();
  assert.match(await settled("dwg-status"), /Signed by the user's wallet/);
  await page.waitForTimeout(7000);
  await byId("issue-credential").click();
  const expired = await settled("issue-status");
  assert.match(expired, /Refused by the node: the user's write grant has expired/);
  assert.match(expired, /EXPIRED/);
  await shot("02a-issuer-expired-grant-desktop");
  assert.equal(await byId("issue-credential").isDisabled(), true, "a used DWG must be signed again");
  await byId("dwg-validity").selectOption("900");
  await byId("sign-dwg").click();
  assert.match(await settled("dwg-status"), /Signed by the user's wallet/);
  // idOS's DWG text (idos-sdk-js docs/guide-issuer.md): consumer, issuer public key, ...
  const dwgText = await byId("dwg-message").textContent();
  assert.match(dwgText, /operation: delegatedWriteGrant\nowner: 0x[0-9a-fA-F]{40}\nconsumer: 0x[0-9a-fA-F]{40}\nissuer public key: [0-9a-f]{64}\nid: /);
  assert.match(dwgText, /\naccess grant timelock: \S+\nnot usable before: \S+\nnot usable after: \S+/);
  await byId("kyc-name").fill("Ada Lovelace");
  await byId("issue-credential").click();
  const done = await settled("issue-status");
  assert.match(done, /Credential .* written .* 3 receipts \(all signatures verified; their hashes match the records sent\)/);
  // The node got ciphertext; the issuer saw the plaintext VC.
  const stored = await byId("node-view").textContent();
  const seen = await byId("plain-view").textContent();
  assert.match(stored, /"content": "/);
  assert.doesNotMatch(stored, /Ada Lovelace/);
  assert.match(seen, /Ada Lovelace/);
  assert.match(seen, /eddsa-jcs-2022/);
  await shot("02b-issuer-issued-desktop");
});

test("3 user: list credentials, decrypt one locally, share it with the consumer under a timelock", { timeout: 60_000 }, async () => {
  await tab("credentials");
  await page.waitForSelector('[data-testid="credential-list"] table', { timeout: 20_000 });
  const listText = await byId("credential-list").textContent();
  assert.match(listText, /your credential/);
  assert.match(listText, /shared copy for Issuer/);
  await byId("decrypt").first().click();
  assert.match(await settled("credentials-status"), /Decrypted locally.*SHA-256 matches/);
  assert.match(await byId("credential-detail").textContent(), /Ada Lovelace/);
  assert.match(await byId("user-proof").textContent(), /✓ the issuer's eddsa-jcs-2022 proof verifies/);
  assert.doesNotMatch(await byId("node-view").textContent(), /Ada Lovelace/);
  assert.match(await byId("plain-view").textContent(), /Ada Lovelace/);
  await shot("03a-user-decrypted-desktop");
  await byId("share-timelock").selectOption(String(TIMELOCK_SECONDS));
  await byId("share").click();
  const shared = await settled("share-status");
  assert.match(shared, /Shared\. Grant .* lets Consumer read copy/);
  assert.match(shared, /locked · \d+ s left/);
  await shot("03b-user-shared-desktop");
  await shot("03c-user-shared-phone", PHONE, byId("share-status"));
});

test("4 consumer: list grants received, fetch the copy, decrypt, check hash and issuer proof: VALID", { timeout: 60_000 }, async () => {
  await tab("consumer");
  await page.waitForSelector('[data-testid="grant-list"] table', { timeout: 20_000 });
  assert.match(await byId("grant-list").textContent(), /active/);
  await byId("fetch-verify").first().click();
  await byId("verdict-text").waitFor({ timeout: 20_000 });
  const verdict = await byId("verdict").textContent();
  assert.match(verdict, /✓ VALID: Ada Lovelace passed basic KYC with Demo KYC Ltd/);
  assert.match(verdict, /content hash [0-9a-f]+… equals the one in the public grant/);
  assert.match(verdict, /issuer's eddsa-jcs-2022 proof verifies/);
  assert.doesNotMatch(await byId("node-view").textContent(), /Ada Lovelace/);
  await shot("04-consumer-desktop");
  await shot("04b-consumer-phone", PHONE, byId("verdict"));
  assert.match(await byId("consumer-credential-status").textContent(), /^active \(the issuer has set no status\)/);
});

test("4c issuer status: the issuer suspends the credential, the consumer sees it in words; active again after", { timeout: 60_000 }, async () => {
  await tab("issuer");
  await page.waitForFunction(() => /Current status: active/.test(document.querySelector('[data-testid="issuer-current-status"]')?.textContent ?? ""), null, { timeout: 20_000 });
  await byId("status-value").selectOption("suspended");
  await byId("status-reason").fill("document under review");
  await byId("set-status").click();
  assert.match(await settled("set-status-status"), /✓ Status set: suspended \(“document under review”\), set by the issuer at/);
  assert.match(await page.locator("#receipts").textContent(), /Issuer status: set_credential_status/);
  await shot("04c-issuer-status-desktop");
  await tab("consumer");
  await page.waitForSelector('[data-testid="grant-list"] table', { timeout: 20_000 });
  await byId("fetch-verify").first().click();
  await byId("verdict-text").waitFor({ timeout: 20_000 });
  assert.match(await byId("verdict-text").textContent(), /✗ NOT VALID: the issuer has suspended this credential/);
  assert.match(await byId("consumer-credential-status").textContent(), /^suspended \(“document under review”\)/);
  assert.match(await byId("verdict").textContent(), /issuer's status of this credential: suspended .*its signature verifies/);
  await shot("04d-consumer-sees-suspended-desktop");
  await tab("issuer");
  await byId("status-value").selectOption("active");
  await byId("status-reason").fill("");
  await byId("set-status").click();
  assert.match(await settled("set-status-status"), /✓ Status set: active, set by the issuer at/);
  await tab("consumer");
  await page.waitForSelector('[data-testid="grant-list"] table', { timeout: 20_000 });
  await byId("fetch-verify").first().click();
  await byId("verdict-text").waitFor({ timeout: 20_000 });
  assert.match(await byId("verdict-text").textContent(), /✓ VALID/);
  assert.match(await byId("consumer-credential-status").textContent(), /^active, set by the issuer at/);
});

test("5 explorer: public grants show metadata only; a stranger cannot read a copy", { timeout: 60_000 }, async () => {
  await tab("explorer");
  await byId("explorer-count").waitFor({ timeout: 20_000 });
  assert.match(await byId("explorer-count").textContent(), /^2 grants on this node/);
  const publicText = await byId("public-grants").textContent();
  assert.match(publicText, /"content_hash": "[0-9a-f]{64}"/);
  assert.doesNotMatch(publicText, /Ada Lovelace|1990-12-10|passport/);
  await byId("stranger-read").first().click();
  await page.waitForFunction(() => [...document.querySelectorAll(".grant-card .status")].some((s) => !s.hidden && !s.classList.contains("status-busy")), null, { timeout: 20_000 });
  assert.match(await byId("public-grants").textContent(), /✓ Refused, as it should be/);
  await shot("05-explorer-desktop");
});

test("6 revoke: refused while timelocked (reason shown), accepted after; the consumer is then refused", { timeout: 120_000 }, async () => {
  await tab("revoke");
  const row = page.locator('[data-testid="owner-grants"] tr', { hasText: "Consumer" });
  await row.waitFor({ timeout: 20_000 });
  const countdown = row.locator(".countdown");
  assert.match(await countdown.textContent(), /locked · \d+ s left/, "the share's timelock ended before step 6: raise TIMELOCK_SECONDS");
  await row.getByTestId("revoke").click();
  const refused = await settled("revoke-status");
  assert.match(refused, /Refused by the node: this grant is timelocked until .* s left/);
  assert.match(refused, /LOCKED/);
  await shot("06a-revoke-refused-desktop");
  // Editing the original is refused too while its copy's grant is timelocked.
  await page.locator('[data-testid="edit-list"] tr').first().waitFor({ timeout: 20_000 });
  await byId("edit-credential").first().click();
  const editRefused = await settled("edit-status");
  assert.match(editRefused, /Refused by the node: a grant on a copy of this credential is still timelocked/);
  assert.match(editRefused, /LOCKED/);
  await shot("06e-edit-locked-phone", PHONE, byId("edit-status"));
  await page.waitForFunction((el) => el.classList.contains("expired"), await countdown.elementHandle(), { timeout: (TIMELOCK_SECONDS + 15) * 1000 });
  await page.waitForTimeout(1200); // the node's clock ticks past locked_until
  await row.getByTestId("revoke").click();
  const accepted = await settled("revoke-status");
  assert.match(accepted, /Revoked at .* Consumer can no longer fetch the copy/);
  assert.match(await page.locator("#receipts").textContent(), /Revoke: revoke/);
  await shot("06b-revoke-accepted-desktop");

  await tab("consumer");
  await page.waitForSelector('[data-testid="grant-list"] table', { timeout: 20_000 });
  assert.match(await byId("grant-list").textContent(), /revoked/);
  await byId("fetch-verify").first().click();
  assert.match(await settled("consumer-status"), /no valid access grant .* revoked/);
  await shot("06c-consumer-refused-phone", PHONE, byId("consumer-status"));
});

test("6f edit a credential: re-encrypted and re-signed under the same id, receipt shown; it still decrypts", { timeout: 60_000 }, async () => {
  await tab("revoke");
  await page.locator('[data-testid="edit-list"] tr').first().waitFor({ timeout: 20_000 });
  await byId("edit-note").fill("renewed by the owner");
  await byId("edit-credential").first().click();
  assert.match(await settled("edit-status"), /✓ Edited: credential .* public note “renewed by the owner”/);
  assert.match(await page.locator("#receipts").textContent(), /Edit: edit_credential/);
  assert.match(await byId("plain-view").textContent(), /"owner_note": "renewed by the owner"/);
  await shot("06f-edit-credential-desktop");
  await tab("credentials");
  await page.waitForSelector('[data-testid="credential-list"] table', { timeout: 20_000 });
  await byId("decrypt").first().click();
  assert.match(await settled("credentials-status"), /Decrypted locally.*SHA-256 matches/);
  assert.match(await byId("credential-detail").textContent(), /Ada Lovelace/);
  assert.match(await byId("credential-detail").textContent(), /renewed by the owner/);
});

test("7 change password: the key changes in one write, the credentials decrypt with the new password only", { timeout: 120_000 }, async () => {
  const NEW_PASSWORD = "a new demo password";
  await tab("user");
  if (/^Locked/.test(await byId("user-lock-state").textContent())) {
    await byId("unlock-password").fill(PASSWORD);
    await byId("unlock-password-button").click();
    assert.match(await settled("user-status"), /Unlocked/);
  }
  const before = (await byId("user-public-key").textContent()).trim();
  await byId("new-password").fill(NEW_PASSWORD);
  await byId("change-password").click();
  assert.match(await settled("change-password-status", 60_000), /Password changed: \d+ credential\(s\) re-encrypted/);
  userPassword = NEW_PASSWORD;
  const after = (await byId("user-public-key").textContent()).trim();
  assert.notEqual(after, before);
  assert.match(await page.locator("#receipts").textContent(), /change_encryption_key/);
  await shot("07a-change-password-desktop");
  // The old password no longer opens the vault; the new one does, and the credential decrypts.
  await byId("lock").click();
  await byId("unlock-password").fill(PASSWORD);
  await byId("unlock-password-button").click();
  assert.match(await settled("user-status"), /Wrong password/);
  await byId("unlock-password").fill(NEW_PASSWORD);
  await byId("unlock-password-button").click();
  assert.match(await settled("user-status"), /Unlocked.*matches the public key the node has/);
  await tab("credentials");
  await page.waitForSelector('[data-testid="credential-list"] table', { timeout: 20_000 });
  await byId("decrypt").first().click();
  assert.match(await settled("credentials-status"), /Decrypted locally/);
  await shot("07b-decrypt-after-password-change-desktop");
});

test("6d delete a credential: the original, its copies and grants go; the explorer keeps only the ids", { timeout: 60_000 }, async () => {
  await tab("revoke");
  const row = page.locator('[data-testid="delete-list"] tr').first();
  await row.waitFor({ timeout: 20_000 });
  await row.getByTestId("delete-credential").click();
  const deleted = await settled("delete-status");
  assert.match(deleted, /✓ Deleted: the credential, [1-9]\d* shared cop(y|ies) and [1-9]\d* grants?/);
  assert.match(await page.locator("#receipts").textContent(), /Delete: delete_credential/);
  await shot("06d-delete-credential-desktop");
  await tab("explorer");
  await page.waitForSelector('[data-testid="deleted-grant"]', { timeout: 20_000 });
  assert.match(await byId("public-grants").textContent(), /"deleted": true/);
});

test("the layout fits a phone: no horizontal scrolling on any step", { timeout: 60_000 }, async () => {
  await page.setViewportSize(PHONE);
  for (const id of ["user", "issuer", "credentials", "consumer", "explorer", "revoke"]) {
    await tab(id);
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `step ${id}: page is ${overflow}px wider than a 390px screen`);
  }
  await tab("user");
  await shot("07-user-phone", PHONE);
  await page.setViewportSize(DESKTOP);
});

test("node down: the page says so in words; a restart on the same data keeps everything", { timeout: 90_000 }, async () => {
  // As the explorer lists them: revoked grants and the ids of deleted ones too.
  const before = await (await fetch(`${demo.url}v1/public/grants?include_revoked=true&include_deleted=true&limit=100`)).json();
  const { webPort } = demo;
  await demo.stop();
  demo = null;
  // The web server is gone too; start only a server whose node is down: the launcher's server with a dead port.
  const { startServer } = await import("../server.mjs");
  const { freePort } = await import("../launch.mjs");
  const web = await startServer({ port: webPort, nodePort: await freePort() });
  try {
    await page.reload();
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector("#node-status")?.textContent.includes("offline"), null, { timeout: 15_000 });
    assert.match(await page.locator("#banner").textContent(), /storage node is not reachable/);
    await tab("explorer");
    const down = await settled("explorer-status");
    assert.match(down, /storage node is not reachable/);
    assert.doesNotMatch(down, /TypeError|at .*\.js/);
    await shot("08-node-down-desktop");
  } finally {
    await web.close();
  }
  // scripts/demo's second run: same data folder, same page origin.
  demo = await startDemo({ webPort, nodePort: 0, dataDir, quiet: true });
  await page.reload();
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector("#node-status")?.textContent.includes("node online"), null, { timeout: 15_000 });
  await tab("explorer");
  await byId("explorer-count").waitFor({ timeout: 20_000 });
  assert.match(await byId("explorer-count").textContent(), new RegExp(`^${before.grants.length} grants`));
  await tab("user");
  assert.match(await byId("user-lock-state").textContent(), /^Locked/);
  await byId("unlock-password").fill(userPassword);
  await byId("unlock-password-button").click();
  assert.match(await settled("user-status"), /Unlocked.*matches the public key the node has/);
  assert.deepEqual(pageErrors, []);
});
