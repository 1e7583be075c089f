// The idos-core demo page: six steps, four roles, one real storage node; the owner's and the
// issuer's lifecycle operations (status, edit, delete, wallets, password) inside those steps.
// Everything cryptographic is done by the npm package idos-core (WebAssembly) in this page; the
// node is reached through /v1 (same origin, proxied by web-demo/server.mjs).
import { load, IdosError } from "idos-core";
import { openVault, deleteVault, WALLET_SLOT_MESSAGE } from "idos-core/vault";
import { h, short, say, clockTime } from "./lib/dom.js";
import { explain, NodeError } from "./lib/errors.js";
import { NodeClient, isoSeconds } from "./lib/node.js";
import { walletFor, hasInjectedWallet, useInjectedWallet, useGeneratedWallet, forgetWallets, strangerWallet } from "./lib/wallets.js";
import { ClusterView, loadClusterConfig } from "./lib/cluster.js";

const ISSUER_NAME = "Demo KYC Ltd";
const K_PROFILE = "idos-demo.profile.";   // + user wallet address
const K_ISSUER = "idos-demo.issuer.v1";
const K_CONSUMER = "idos-demo.consumer.v1";
const K_ISSUED = "idos-demo.issued.v1";     // the VC id of the last credential the issuer issued
const K_RECEIPTS = "idos-demo.receipts.v1";  // sessionStorage

const S = {
  idos: null,
  node: null,
  vault: null,
  vaultFor: null,     // user address the open vault belongs to
  userKey: null,      // EncryptionKeyPair while unlocked
  issuer: null,       // {ed, box, did, edHex}
  consumer: null,     // {box}
  dwg: null,          // the last DWG the user signed (single use)
  decrypted: new Map(), // credential id -> {plaintext, vc, credential}
  lastShare: null,
  receipts: [],
  nodeOnline: null,
  cluster: null,      // cluster mode (scripts/demo --cluster): the ClusterView of lib/cluster.js
};

const TABS = [
  { id: "user", n: 1, label: "User: profile", render: renderUser },
  { id: "issuer", n: 2, label: "Issuer: issue KYC", render: renderIssuer },
  { id: "credentials", n: 3, label: "User: credentials & sharing", render: renderCredentials },
  { id: "consumer", n: 4, label: "Consumer: verify", render: renderConsumer },
  { id: "explorer", n: 5, label: "Explorer: public grants", render: renderExplorer },
  { id: "revoke", n: 6, label: "User: revoke", render: renderRevoke },
];
let current = "user";

const $ = (id) => document.getElementById(id);
const nowSeconds = () => Math.floor(Date.now() / 1000);

// --- shared pieces ---------------------------------------------------------------------------------

function profileKey() {
  return K_PROFILE + walletFor("user").address;
}
function loadProfile() {
  try {
    return JSON.parse(localStorage.getItem(profileKey()) ?? "null");
  } catch {
    return null;
  }
}
function saveProfile(p) {
  localStorage.setItem(profileKey(), JSON.stringify(p));
}

function issuerKeys() {
  if (S.issuer) return S.issuer;
  const { idos } = S;
  let st = null;
  try {
    st = JSON.parse(localStorage.getItem(K_ISSUER) ?? "null");
  } catch { /* regenerate */ }
  let ed, box;
  if (st?.edSeed && st?.boxSecret) {
    ed = idos.ed25519KeyPairFromSeed(idos.fromHex(st.edSeed));
    box = idos.encryptionKeyPairFromSecret(idos.fromHex(st.boxSecret));
  } else {
    ed = idos.generateEd25519KeyPair();
    box = idos.generateEncryptionKeyPair();
    // Demo only: a real issuer keeps these in its HSM, not in a browser's storage.
    localStorage.setItem(K_ISSUER, JSON.stringify({ edSeed: idos.toHex(ed.exportSeed()), boxSecret: idos.toHex(box.exportSecretKey()) }));
  }
  S.issuer = { ed, box, did: idos.didKey(ed), edHex: idos.toHex(ed.publicKey) };
  return S.issuer;
}

function consumerKeys() {
  if (S.consumer) return S.consumer;
  const { idos } = S;
  let st = null;
  try {
    st = JSON.parse(localStorage.getItem(K_CONSUMER) ?? "null");
  } catch { /* regenerate */ }
  let box;
  if (st?.boxSecret) box = idos.encryptionKeyPairFromSecret(idos.fromHex(st.boxSecret));
  else {
    box = idos.generateEncryptionKeyPair();
    localStorage.setItem(K_CONSUMER, JSON.stringify({ boxSecret: idos.toHex(box.exportSecretKey()) }));
  }
  S.consumer = { box, publicKey: S.idos.toBase64(box.publicKey) };
  return S.consumer;
}

/** Who a wallet is, in this demo's words. */
function walletLabel(address) {
  if (address === walletFor("user").address) return "User";
  if (address === walletFor("issuer").address) return `Issuer (${ISSUER_NAME})`;
  if (address === walletFor("consumer").address) return "Consumer";
  return short(address);
}

function explainer(text) {
  return h("p", { class: "explainer" }, h("span", { class: "explainer-tag" }, "what happens"), " ", text);
}

function roleBar(role, title, blurb) {
  const w = walletFor(role);
  const bar = h("div", { class: `rolebar role-${role}` },
    h("div", { class: "who" }, h("strong", {}, title), h("span", { class: "muted" }, blurb)),
    h("div", { class: "wallet" },
      h("span", { class: "muted" }, "wallet "),
      h("code", { title: w.display, testid: `${role}-wallet` }, short(w.display, 8, 6)),
      h("span", { class: "tag" }, w.kind === "injected" ? "browser wallet" : "generated in this browser")));
  if (hasInjectedWallet()) {
    const btn = h("button", {
      class: "small", type: "button",
      onclick: async () => {
        try {
          if (w.kind === "injected") useGeneratedWallet(role);
          else await useInjectedWallet(role);
          if (role === "user") await reopenVault();
          show(current);
        } catch (e) {
          banner(explain(e).text);
        }
      },
    }, w.kind === "injected" ? "use the generated wallet" : "use my browser wallet");
    bar.querySelector(".wallet").append(btn);
  }
  return bar;
}

/** Runs `fn` for a button: disables it, shows progress, then the outcome in words in `out`. */
async function act(button, out, busyText, fn, context = {}) {
  if (button) button.disabled = true;
  say(out, "busy", busyText);
  try {
    const result = await fn();
    if (result instanceof Node || typeof result === "string") say(out, "ok", result);
    else if (Array.isArray(result)) say(out, "ok", ...result);
    else out.hidden = true;
    tickCountdowns();
    return true;
  } catch (e) {
    const { code, text } = explain(e, context);
    say(out, "error", h("strong", {}, "✗ "), text, " ", h("span", { class: "code" }, code));
    if (e instanceof NodeError && e.code === "NODE_UNREACHABLE") setNodeStatus(false);
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}

function statusLine(testid) {
  return h("div", { class: "status", hidden: true, testid, role: "status", "aria-live": "polite" });
}

function banner(text) {
  const b = $("banner");
  if (!text) {
    b.hidden = true;
    return;
  }
  b.replaceChildren(h("span", {}, text), h("button", { class: "link", type: "button", onclick: () => (b.hidden = true) }, "dismiss"));
  b.hidden = false;
}

function nextButton(tabId, text) {
  return h("div", { class: "next" }, h("button", { type: "button", class: "secondary", onclick: () => show(tabId) }, text));
}

function kv(rows) {
  return h("dl", { class: "kv" }, rows.filter(Boolean).map(([k, v, testid]) => [h("dt", {}, k), h("dd", { testid }, v)]));
}

// --- the side panel: what the node stores vs what you see ------------------------------------------

function storedText(credential) {
  const order = ["id", "user_id", "public_notes", "content", "encryptor_public_key", "issuer_auth_public_key", "public_notes_signature", "broader_signature"];
  const c = Object.fromEntries(order.filter((k) => k in credential).map((k) => [k, credential[k]]));
  if (c.content.length > 480) c.content = `${c.content.slice(0, 480)}… (${credential.content.length} base64 characters in all)`;
  return JSON.stringify(c, null, 2);
}

const SUBJECT_LABELS = { name: "Full name", birthDate: "Date of birth", nationality: "Nationality", documentChecked: "Document checked", kycLevel: "KYC level", status: "Status" };
/** The credential subject as label/value rows (the subject's DID left out). */
function subjectRows(subject) {
  const known = Object.keys(SUBJECT_LABELS);
  const rank = (k) => (known.includes(k) ? known.indexOf(k) : known.length);
  return Object.entries(subject ?? {}).filter(([k]) => k !== "id").sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([k, v]) => [SUBJECT_LABELS[k] ?? k, String(v)]);
}

function showCustody(caption, stored, seen) {
  $("custody-caption").textContent = caption;
  $("node-view").textContent = stored;
  $("plain-view").textContent = seen;
}

function loadReceipts() {
  try {
    S.receipts = JSON.parse(sessionStorage.getItem(K_RECEIPTS) ?? "[]");
  } catch {
    S.receipts = [];
  }
}

function addReceipts(receipts, label) {
  for (const r of receipts ?? []) S.receipts.unshift({ ...r, ok: S.node.receiptVerifies(r), label });
  S.receipts = S.receipts.slice(0, 30);
  sessionStorage.setItem(K_RECEIPTS, JSON.stringify(S.receipts));
  renderReceipts();
  clusterTrackWrite(receipts, label);
  pollHealth(); // the log position moved
  return (receipts ?? []).every((r) => S.node.receiptVerifies(r));
}

function renderReceipts() {
  const list = $("receipts");
  if (!S.receipts.length) {
    list.replaceChildren(h("li", { class: "muted" }, "none yet"));
    return;
  }
  list.replaceChildren(...S.receipts.map((r) => h("li", { class: r.ok ? "ok" : "bad" },
    h("span", { class: "what" }, h("span", { class: "rverdict" }, r.ok ? "✓ signature verified" : "✗ signature NOT verified"), ` · ${r.label}: `, h("b", {}, r.write_operation), ` → ${r.object_kind} `, h("code", { title: r.object_id }, short(r.object_id, 8, 4))),
    h("span", { class: "muted small" }, `log #${r.log_position} · ${r.time} · stored sha256 `, h("code", { title: r.sha256 }, short(r.sha256, 10, 0))))));
}

// --- node status -----------------------------------------------------------------------------------

function setNodeStatus(online, health) {
  const pill = $("node-status");
  if (online) {
    pill.className = "pill pill-ok";
    pill.textContent = `node online · id ${health.node_id.slice(0, 10)}… · log #${health.log_position}`;
    pill.title = `idos-node ${health.version}, plugin ${health.plugin_version}; node id (Ed25519) ${health.node_id}`;
    if (S.nodeOnline === false) banner("");
  } else {
    pill.className = "pill pill-bad";
    pill.textContent = "node offline";
    pill.title = "";
    if (S.nodeOnline !== false) banner("The storage node is not reachable. Is idos-node running? (scripts/demo starts it.) The page keeps trying.");
  }
  S.nodeOnline = online;
}

async function pollHealth() {
  if (S.cluster) return S.cluster.poll();
  try {
    setNodeStatus(true, await S.node.health());
  } catch {
    setNodeStatus(false);
  }
}

// --- cluster mode (scripts/demo --cluster): header, per-node receipts, node control ------------------
// The parts themselves are in lib/cluster.js; these are the page's only hooks into them.

async function startCluster() {
  const config = await loadClusterConfig();
  if (!config) return null;
  $("node-status").hidden = true; // the cluster header shows every node instead
  return config;
}

function clusterTrackWrite(receipts, label) {
  const position = receipts?.[0]?.log_position;
  if (S.cluster && position !== undefined) S.cluster.trackWrite(position, label);
}

// --- vault -------------------------------------------------------------------------------------------

function vaultName() {
  return `idos-demo-${walletFor("user").address.slice(2, 14)}`;
}

async function reopenVault() {
  S.userKey?.dispose();
  S.userKey = null;
  S.decrypted.clear();
  if (S.vault) await S.vault.close().catch(() => {});
  S.vault = await openVault({ name: vaultName() });
  S.vaultFor = walletFor("user").address;
  // A vault made earlier in this browser knows the profile even if localStorage was cleared.
  if (S.vault.initialized && !loadProfile() && S.vault.userId) {
    saveProfile({ userId: S.vault.userId, publicKey: S.idos.toBase64(S.vault.publicKey), wallet: S.vaultFor });
  }
}

function lockUser() {
  S.userKey?.dispose();
  S.userKey = null;
  S.decrypted.clear();
  S.vault?.lock();
}

// --- 1. User: profile --------------------------------------------------------------------------------

function renderUser(c) {
  const { idos } = S;
  c.append(roleBar("user", "You are the user", "the person the data is about, and its only key holder"));
  const profile = loadProfile();
  if (!profile || !S.vault.initialized) {
    c.append(
      h("h2", {}, profile ? "Restore your vault" : "Create your profile"),
      explainer("Your password and a random user id go through scrypt to make an X25519 key pair: the public key goes to the node, the secret key never leaves this browser."),
    );
    const pw = h("input", { type: "password", id: "user-password", testid: "user-password", autocomplete: "new-password", placeholder: "at least 8 characters" });
    const out = statusLine("user-status");
    const create = h("button", { type: "button", testid: "create-profile" }, profile ? "Restore with password" : "Create profile");
    create.addEventListener("click", () => act(create, out, "Deriving keys (scrypt), registering with the node, sealing the vault…", async () => {
      const password = pw.value;
      if (password.length < 8) throw new IdosError("INVALID_INPUT", "choose a password of at least 8 characters");
      const signer = walletFor("user");
      let userId = profile?.userId;
      let nodeUser = null;
      try {
        nodeUser = (await S.node.call("GET", "/v1/users/me", { signer })).user;
      } catch (e) {
        if (!(e instanceof NodeError) || e.code !== "FORBIDDEN") throw e; // FORBIDDEN: not registered yet
      }
      if (nodeUser) userId = nodeUser.id;
      userId ??= crypto.randomUUID();
      // scrypt in a Web Worker: the page stays responsive while the key is derived.
      const kp = await idos.deriveEncryptionKeyPairAsync(password, userId);
      const publicKey = idos.toBase64(kp.publicKey);
      if (nodeUser) {
        if (nodeUser.encryption_public_key !== publicKey) {
          kp.dispose();
          throw new IdosError("DECRYPT_FAILED", "wrong password");
        }
      } else {
        const res = await S.node.call("POST", "/v1/users", { signer, body: { user_id: userId, encryption_public_key: publicKey } });
        addReceipts(res.receipts, "Profile");
      }
      await S.vault.create({ keyPair: kp, password, userId });
      // A second key slot: the wallet's signature over a fixed message unlocks the vault too.
      await S.vault.addWalletSlot(await signer.sign(WALLET_SLOT_MESSAGE), { label: `wallet ${short(signer.display)}` });
      S.userKey?.dispose();
      S.userKey = kp;
      saveProfile({ userId, publicKey, wallet: signer.address });
      showCustody("Your profile: the node has your public key only.",
        JSON.stringify({ user: { id: userId, encryption_public_key: publicKey }, wallet: signer.address }, null, 2),
        `password: ${"•".repeat(password.length)}  (never sent)\nsecret key: inside WebAssembly memory, sealed in your local vault\npublic key: ${publicKey}`);
      show("user");
    }, { DECRYPT_FAILED: "Wrong password: it does not give the public key the node has for this wallet's profile." }));
    pw.addEventListener("keydown", (e) => e.key === "Enter" && create.click());
    c.append(h("div", { class: "form" }, h("label", { for: "user-password" }, "Password"), pw, create), out);
    return;
  }

  const unlocked = S.userKey && !S.userKey.disposed;
  c.append(h("h2", {}, "Your profile"));
  c.append(kv([
    ["User id", h("code", {}, profile.userId), "user-id"],
    ["Encryption public key", h("code", { class: "wrap" }, profile.publicKey), "user-public-key"],
    ["Local vault", `${S.vault.backend === "memory" ? "in memory (this browser has no OPFS)" : "in this browser's private storage (OPFS)"}; key slots: ${S.vault.listSlots().map((s) => s.kind).join(" + ")}`],
    ["State", h("span", { class: unlocked ? "state-open" : "state-locked" }, unlocked ? "Unlocked: the secret key is in this tab's WebAssembly memory" : "Locked: the secret key exists only sealed in the vault"), "user-lock-state"],
  ]));
  const out = statusLine("user-status");
  if (unlocked) {
    const lock = h("button", { type: "button", class: "secondary", testid: "lock" }, "Lock");
    lock.addEventListener("click", () => {
      lockUser();
      show("user");
    });
    c.append(explainer("Locking wipes the secret key from memory; unlock again with the password or with your wallet's key slot."), h("div", { class: "form" }, lock), out);
    c.append(changePasswordForm(profile));
  } else {
    c.append(explainer("The vault keeps the secret key sealed under a random key, itself sealed once per slot: by Argon2id of your password, or of your wallet's signature over a fixed message."));
    const pw = h("input", { type: "password", id: "unlock-password", testid: "unlock-password", autocomplete: "current-password", placeholder: "your password" });
    const byPassword = h("button", { type: "button", testid: "unlock-password-button" }, "Unlock with password");
    const byWallet = h("button", { type: "button", class: "secondary", testid: "unlock-wallet-button" }, "Unlock with wallet");
    const after = async (kp) => {
      S.userKey = kp;
      const me = await S.node.call("GET", "/v1/users/me", { signer: walletFor("user") }).catch(() => null);
      show("user");
      const matches = me?.user?.encryption_public_key === idos.toBase64(kp.publicKey);
      const o = $("panels").querySelector('[data-testid="user-status"]');
      if (o) say(o, "ok", "✓ Unlocked. ", me ? (matches ? "The key matches the public key the node has for you." : "Warning: the node has a different public key.") : "");
    };
    byPassword.addEventListener("click", () => act(byPassword, out, "Opening the password slot (Argon2id)…", async () => {
      await after(S.vault.unlockWithPassword(pw.value));
    }, { DECRYPT_FAILED: "Wrong password: the vault's password slot did not open. Nothing was sent anywhere; try again." }));
    byWallet.addEventListener("click", () => act(byWallet, out, "Asking the wallet to sign the key-slot message…", async () => {
      await after(S.vault.unlockWithWalletSignature(await walletFor("user").sign(WALLET_SLOT_MESSAGE)));
    }, { DECRYPT_FAILED: "This wallet's signature does not open the vault's wallet slot (a different wallet?)." }));
    pw.addEventListener("keydown", (e) => e.key === "Enter" && byPassword.click());
    c.append(h("div", { class: "form" }, h("label", { for: "unlock-password" }, "Password"), pw, byPassword, byWallet), out);
  }
  c.append(walletsForm());
  c.append(nextButton("issuer", "Next: an issuer writes a KYC credential for you →"));
}

// The user's wallets (GET /v1/users/me): add a second one, remove one (docs/spec/owner-changes.md:
// a wallet cannot remove itself, and the user's last wallet always stays; the node says so).
function walletsForm() {
  const out = statusLine("wallets-status");
  const list = h("div", { class: "list", testid: "wallet-list" });
  const refresh = h("button", { type: "button", class: "secondary", testid: "wallets-refresh" }, "Refresh my wallets");
  const add = h("button", { type: "button", class: "secondary", testid: "add-wallet" }, "Add a second wallet");
  const load = () => act(refresh, out, "Asking the node for your wallets…", async () => {
    const { wallets } = await S.node.typed("me", walletFor("user"));
    const caller = walletFor("user").address;
    list.replaceChildren(h("table", { class: "table" }, h("tbody", {}, wallets.map((w) => h("tr", { testid: "wallet-row" },
      h("td", {}, h("code", { title: w.wallet_identifier }, short(w.wallet_identifier, 8, 6)), " ",
        h("span", { class: "muted small" }, w.wallet_identifier === caller ? "this wallet: it signs this page's requests" : `added at ${clockTime(w.added_at)}`)),
      h("td", {}, h("button", { type: "button", class: "small danger", testid: w.wallet_identifier === caller ? "remove-this-wallet" : "remove-wallet",
        onclick: (e) => remove(w, wallets.length, e.currentTarget) }, "Remove")))))));
  });
  add.addEventListener("click", () => act(add, out, "The new wallet signs the add-wallet proof; your wallet sends it…", async () => {
    // Demo only: a new key made here stands for another wallet of yours (a phone's, a hardware one).
    const w = strangerWallet();
    const res = await S.node.addWalletOf(walletFor("user"), { type: "EVM", identifier: w.address, sign: w.sign });
    addReceipts(res.receipts, "Add wallet");
    await load();
    return `✓ Added wallet ${short(w.display, 8, 6)} to your user (a key generated here for the demo, standing for another wallet of yours). It can now sign requests as you.`;
  }));
  const remove = (w, count, btn) => act(btn, out, "Asking the node to remove the wallet…", async () => {
    const res = await S.node.typed("removeWallet", walletFor("user"), w.wallet_identifier);
    addReceipts(res.receipts, "Remove wallet");
    await load();
    return `✓ Removed wallet ${short(w.wallet_identifier, 8, 6)}: the node refuses its signed requests from now on; this wallet keeps your data.`;
  }, {
    FORBIDDEN: count < 2
      ? "Refused by the node: this is your last wallet. A user's last wallet is never removed: without a wallet nobody could reach your data."
      : "Refused by the node: a wallet cannot remove itself. Remove it from another of your wallets.",
  });
  refresh.addEventListener("click", load);
  load();
  return h("div", { class: "wallets" }, h("h2", {}, "Your wallets"),
    explainer("Every wallet listed here signs requests as you. You can add another and remove one, but never the wallet you are signing with, and never your last one."),
    h("div", { class: "form" }, refresh, add), out, list);
}

// Change password (docs/spec/owner-changes.md): a new password gives a new key pair; every original
// is re-encrypted to it here and sent with the new public key in one write; the vault then holds
// the new key only (its slots are replaced: password, then the wallet slot again).
function changePasswordForm(profile) {
  const { idos } = S;
  const pw = h("input", { type: "password", id: "new-password", testid: "new-password", autocomplete: "new-password", placeholder: "new password, at least 8 characters" });
  const out = statusLine("change-password-status");
  const go = h("button", { type: "button", class: "secondary", testid: "change-password" }, "Change password");
  go.addEventListener("click", () => act(go, out, "Deriving the new key, re-encrypting every credential here, one write to the node…", async () => {
    const password = pw.value;
    if (password.length < 8) throw new IdosError("INVALID_INPUT", "choose a password of at least 8 characters");
    const signer = walletFor("user");
    const kp = await idos.deriveEncryptionKeyPairAsync(password, profile.userId);
    let res;
    try {
      res = await S.node.changeEncryptionKey(signer, { currentKeyPair: S.userKey, newKeyPair: kp });
      await S.vault.changeKey({ keyPair: kp, password });
      await S.vault.addWalletSlot(await signer.sign(WALLET_SLOT_MESSAGE), { label: `wallet ${short(signer.display)}` });
    } catch (e) {
      kp.dispose();
      throw e;
    }
    addReceipts(res.receipts, "Password change");
    S.userKey.dispose();
    S.userKey = kp;
    S.decrypted.clear();
    const publicKey = res.user.encryption_public_key;
    saveProfile({ ...profile, publicKey });
    show("user");
    const o = $("panels").querySelector('[data-testid="change-password-status"]');
    if (o) say(o, "ok", `✓ Password changed: ${res.credentials.length} credential(s) re-encrypted to your new key in one write (log position ${res.log_position}); the vault holds the new key only.`);
  }));
  return h("div", { class: "change-password" },
    h("h2", {}, "Change password"),
    explainer("Your new password gives a new key pair. Every credential you own is decrypted and re-encrypted here, then all of them go to the node with the new public key in one write: all or nothing. Copies you shared stay as they are."),
    h("div", { class: "form" }, h("label", { for: "new-password" }, "New password"), pw, go), out);
}

// --- 2. Issuer ---------------------------------------------------------------------------------------

function renderIssuer(c) {
  const { idos } = S;
  const issuer = issuerKeys();
  c.append(roleBar("issuer", `You are the issuer: ${ISSUER_NAME}`, "checks identity documents and vouches for them"));
  c.append(kv([
    ["Signing key (did:key)", h("code", { class: "wrap" }, issuer.did)],
    ["Issuer's own encryption key", h("code", { class: "wrap" }, idos.toBase64(issuer.box.publicKey))],
  ]));
  const profile = loadProfile();
  if (!profile) {
    c.append(h("p", { class: "status status-info" }, "First create the user's profile (step 1): the issuer needs the user's id and public key."), nextButton("user", "← Go to step 1"));
    return;
  }
  const user = walletFor("user");
  c.append(h("h2", {}, "A. The user authorises this issuer"));
  c.append(explainer("A delegated write grant (DWG) is a message the user's wallet signs: it lets this issuer write into the user's storage once, for a limited time, and keep a read-only copy."));
  const dwgOut = statusLine("dwg-status");
  const sign = h("button", { type: "button", testid: "sign-dwg" }, "User's wallet signs the write grant");
  const validity = h("select", { id: "dwg-validity", testid: "dwg-validity", title: "how long the issuer may use the grant" },
    h("option", { value: "900", selected: true }, "valid 15 minutes"), h("option", { value: "5" }, "valid 5 seconds (to see one expire)"));
  const dwgView = h("pre", { class: "message", testid: "dwg-message" }, S.dwg ? S.dwg.message : "(the message appears here)");
  sign.addEventListener("click", () => act(sign, dwgOut, "Waiting for the user's wallet…", async () => {
    const t = nowSeconds();
    const fields = {
      owner_wallet_identifier: user.address,
      grantee_wallet_identifier: walletFor("issuer").address,
      issuer_public_key: issuer.edHex,
      id: crypto.randomUUID(),
      access_grant_timelock: isoSeconds(new Date(t * 1000)),
      not_usable_before: isoSeconds(new Date(t * 1000)),
      not_usable_after: isoSeconds(new Date((t + Number(validity.value)) * 1000)),
    };
    const message = idos.delegatedWriteGrantMessage(fields);
    const signature = await user.sign(message);
    S.dwg = { doc: { owner_wallet_type: "EVM", ...fields, signature }, message, until: t + Number(validity.value) };
    dwgView.textContent = `${message}\n\nsignature: ${signature}`;
    issue.disabled = false;
    return `✓ Signed by the user's wallet ${short(user.display)}. Usable once, until ${clockTime(S.dwg.until)}.`;
  }));
  c.append(h("div", { class: "form" }, sign, validity), dwgView, dwgOut);

  c.append(h("h2", {}, "B. The issuer signs and encrypts the credential"));
  c.append(explainer("The issuer signs a W3C credential (eddsa-jcs-2022), encrypts it in this browser to the user's public key, and sends only ciphertext, signatures and the DWG to the node."));
  const field = (id, label, value, type = "text") => [h("label", { for: id }, label), h("input", { id, type, value, testid: id })];
  const level = h("select", { id: "kyc-level", testid: "kyc-level" }, h("option", { value: "basic" }, "basic"), h("option", { value: "plus" }, "plus"));
  const form = h("div", { class: "grid-form" },
    field("kyc-name", "Full name", "Ada Lovelace"),
    field("kyc-birth", "Date of birth", "1990-12-10", "date"),
    field("kyc-nationality", "Nationality", "GB"),
    field("kyc-document", "Document checked", "passport"),
    h("label", { for: "kyc-level" }, "KYC level"), level);
  const out = statusLine("issue-status");
  const issue = h("button", { type: "button", testid: "issue-credential", disabled: !S.dwg }, "Issue credential to the user");
  issue.addEventListener("click", () => act(issue, out, "Signing, encrypting and writing…", async () => {
    // (the button stays disabled afterwards until the user signs a new DWG: see the .then below)
    if (!S.dwg) throw new IdosError("INVALID_INPUT", "the user has not signed a write grant yet (A above)");
    const value = (id) => form.querySelector(`#${id}`).value.trim();
    const credentialId = crypto.randomUUID();
    const issuedAt = isoSeconds();
    const unsecured = {
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      id: `urn:uuid:${credentialId}`,
      type: ["VerifiableCredential", "KYCCredential"],
      issuer: issuer.did,
      validFrom: issuedAt,
      credentialSubject: {
        id: `did:pkh:eip155:1:${user.address}`,
        name: value("kyc-name"),
        birthDate: value("kyc-birth"),
        nationality: value("kyc-nationality"),
        documentChecked: value("kyc-document"),
        kycLevel: level.value,
        status: "approved",
      },
    };
    const vc = idos.signVerifiableCredential(unsecured, issuer.ed, { created: issuedAt });
    const plaintext = JSON.stringify(vc);
    // The VC id in the public notes is what the issuer's status names (docs/spec/lifecycle.md).
    const publicNotes = JSON.stringify({ id: unsecured.id, type: "KYC", level: level.value, issuer: ISSUER_NAME, status: "approved" });
    const credential = idos.buildCredential({
      id: credentialId, userId: profile.userId, publicNotes, plaintext,
      recipientPublicKey: idos.fromBase64(profile.publicKey), issuer: issuer.ed,
    });
    // The issuer's read-only copy, encrypted to its own key (the DWG's grantee).
    const copy = idos.makeSharedCopy({ copyId: crypto.randomUUID(), userId: profile.userId, plaintext, granteePublicKey: issuer.box.publicKey });
    const dwg = S.dwg;
    S.dwg = null; // single use, whatever the outcome
    issue.disabled = true;
    const res = await S.node.call("POST", "/v1/credentials/dwg", {
      signer: walletFor("issuer"),
      body: { dwg: dwg.doc, credential, shared_copy: copy.credential, content_hash: copy.content_hash },
    });
    const allOk = addReceipts(res.receipts, "Issuer");
    localStorage.setItem(K_ISSUED, JSON.stringify({ vcId: unsecured.id }));
    statusSlot.replaceChildren(issuerStatusForm());
    // Each receipt's sha256 must be the hash of the canonical JSON of what was sent (docs/api.md).
    const sent = new Map([[credential.id, credential], [copy.credential.id, copy.credential]]);
    const sameBytes = res.receipts.filter((r) => sent.has(r.object_id))
      .every((r) => r.sha256 === idos.toHex(idos.sha256(idos.canonicalizeJson(sent.get(r.object_id)))));
    showCustody("The issuer's credential: what left the browser vs what the issuer typed.", storedText(credential), JSON.stringify(vc, null, 2));
    return [`✓ Credential ${short(credentialId, 8, 4)} written to the user's storage with ${res.receipts.length} receipts (${allOk ? "all signatures verified" : "a receipt did NOT verify"}; ` +
      `${sameBytes ? "their hashes match the records sent" : "a hash does NOT match what was sent"}). The node received only ciphertext: see the side panel.`];
  }, {
    EXPIRED: "Refused by the node: the user's write grant has expired (it was usable only until its not_usable_after time). Ask the user to sign a new one (A).",
    REPLAYED: "This write grant was already used: each DWG works once. Ask the user to sign a new one (A).",
  }).then(() => {
    issue.disabled = !S.dwg;
  }));
  c.append(form, h("div", { class: "form" }, issue), out);
  const statusSlot = h("div", {}, issuerStatusForm());
  c.append(statusSlot);
  c.append(nextButton("credentials", "Next: the user looks at their credentials →"));
}

/** A credential status in words (the package's checked status: {status, set, reason, setAt, ...}). */
function statusWords(st) {
  if (!st.set) return "active (the issuer has set no status)";
  return `${st.status}${st.reason ? ` (“${st.reason}”)` : ""}, set by the issuer at ${clockTime(st.setAt)}`;
}

// C. The issuer sets the status of the credential it issued (docs/spec/lifecycle.md): a document
// signed with its Ed25519 key (signCredentialStatus), each with a higher sequence than the last.
function issuerStatusForm() {
  const { idos } = S;
  const issuer = issuerKeys();
  let issued = null;
  try {
    issued = JSON.parse(localStorage.getItem(K_ISSUED) ?? "null");
  } catch { /* none */ }
  const box = h("div", { class: "issuer-status" }, h("h2", {}, "C. The issuer sets the credential's status"),
    explainer("The issuer can suspend or revoke a credential it issued, or make it active again: it signs a small status document (VC id, status, reason, a sequence number) with its own key. The node keeps the latest; whoever reads a shared copy gets it and checks the signature."));
  if (!issued?.vcId) {
    box.append(h("p", { class: "muted" }, "Issue a credential first (B)."));
    return box;
  }
  const current = h("p", { testid: "issuer-current-status" }, "Current status: …");
  const value = h("select", { id: "status-value", testid: "status-value" }, ["active", "suspended", "revoked"].map((v) => h("option", { value: v }, v)));
  const reason = h("input", { id: "status-reason", testid: "status-reason", placeholder: "optional, e.g. document under review" });
  const out = statusLine("set-status-status");
  const set = h("button", { type: "button", testid: "set-status" }, "Issuer signs and sets the status");
  const refresh = async () => {
    const st = await S.node.typed("credentialStatus", null, issuer.edHex, issued.vcId);
    current.replaceChildren("Current status: ", h("b", {}, statusWords(st)));
    return st;
  };
  set.addEventListener("click", () => act(set, out, "Signing the status with the issuer's key and sending it…", async () => {
    const before = await refresh();
    const doc = idos.signCredentialStatus({ vcId: issued.vcId, status: value.value, reason: reason.value.trim(), sequence: before.sequence + 1 }, issuer.ed);
    const res = await S.node.typed("setCredentialStatus", walletFor("issuer"), doc);
    addReceipts(res.receipts, "Issuer status");
    const st = await refresh();
    return `✓ Status set: ${statusWords(st)}. A consumer reading a shared copy of this credential now sees “${st.status}”.`;
  }));
  refresh().catch((e) => current.replaceChildren(`Current status: unknown (${explain(e).text})`));
  box.append(kv([["Credential (VC id)", h("code", { class: "wrap" }, issued.vcId)]]), current,
    h("div", { class: "grid-form" }, h("label", { for: "status-value" }, "New status"), value, h("label", { for: "status-reason" }, "Reason"), reason),
    h("div", { class: "form" }, set), out);
  return box;
}

// --- 3. User: credentials & sharing ------------------------------------------------------------------

function renderCredentials(c) {
  const { idos } = S;
  c.append(roleBar("user", "You are the user again", "your credentials, readable only with your key"));
  const profile = loadProfile();
  if (!profile) {
    c.append(h("p", { class: "status status-info" }, "Create your profile first (step 1)."), nextButton("user", "← Go to step 1"));
    return;
  }
  const unlocked = S.userKey && !S.userKey.disposed;
  if (!unlocked) c.append(h("p", { class: "status status-info", testid: "locked-note" }, "Your vault is locked: you can list your records, but decrypting needs your key. ", h("button", { type: "button", class: "link", onclick: () => show("user") }, "Unlock on step 1")));
  c.append(explainer("The node lists your records and hands you the ciphertext; decryption happens here with your secret key."));
  const out = statusLine("credentials-status");
  const list = h("div", { class: "list", testid: "credential-list" });
  const detail = h("div", { class: "detail", testid: "credential-detail" });
  const refresh = h("button", { type: "button", class: "secondary", testid: "list-credentials" }, "Refresh list");
  const load = () => act(refresh, out, "Asking the node for your records…", async () => {
    const signer = walletFor("user");
    const [{ credentials }, { grants }] = await Promise.all([
      S.node.call("GET", "/v1/credentials", { signer }),
      S.node.call("GET", "/v1/grants?role=owner", { signer }),
    ]);
    const grantFor = new Map(grants.map((g) => [g.data_id, g]));
    if (!credentials.length) {
      list.replaceChildren(h("p", { class: "muted" }, "No credentials yet: the issuer writes one on step 2."));
      return;
    }
    list.replaceChildren(h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, "record"), h("th", {}, "what"), h("th", {}, "size"), h("th", {}, ""))),
      h("tbody", {}, credentials.map((m) => {
        const g = grantFor.get(m.id);
        const what = m.role === "copy"
          ? h("span", {}, "shared copy for ", h("b", {}, g ? walletLabel(g.grantee) : "a grantee"), h("br"), h("span", { class: "muted small" }, "encrypted to their key: you cannot read it either"))
          : h("span", {}, h("b", {}, "your credential"), h("br"), h("span", { class: "muted small" }, `signed by issuer key ${short(m.issuer_auth_public_key, 8, 4)}`));
        const btn = m.role === "copy" ? null : h("button", { type: "button", class: "small decrypt", testid: "decrypt", onclick: (e) => decrypt(m, e.currentTarget) }, "Decrypt");
        return h("tr", {}, h("td", {}, h("code", { title: m.id }, short(m.id, 8, 4))), h("td", {}, what), h("td", {}, `${m.size} B`), h("td", {}, btn));
      }))));
  });
  const decrypt = (meta, btn) => act(btn, out, "Fetching the ciphertext and decrypting locally…", async () => {
    if (!S.userKey || S.userKey.disposed) throw new IdosError("LOCKED_VAULT", "locked");
    const res = await S.node.call("GET", `/v1/credentials/${meta.id}`, { signer: walletFor("user") });
    const credential = res.credential;
    const storedSha = idos.toHex(idos.sha256(idos.canonicalizeJson(credential)));
    idos.verifyCredential(credential); // record signatures (throws VERIFY_FAILED)
    const bytes = idos.decrypt(credential.content, credential.encryptor_public_key, S.userKey);
    const plaintext = idos.utf8Decode(bytes);
    const vc = JSON.parse(plaintext);
    let proof;
    try {
      proof = idos.verifyCredentialProof(vc);
    } catch (e) {
      proof = e;
    }
    S.decrypted.set(meta.id, { plaintext, vc, credential, proof, storedSha, meta });
    showCustody(`Your credential ${short(meta.id, 8, 4)}: ciphertext on the node, plaintext only in this tab.`, storedText(credential), JSON.stringify(vc, null, 2));
    renderDetail(meta.id);
    return `✓ Decrypted locally. The record you received is byte for byte what the node stored (SHA-256 ${storedSha === meta.sha256 ? "matches" : "DIFFERS from"} its receipt).`;
  });
  const renderDetail = (id) => {
    const d = S.decrypted.get(id);
    if (!d) {
      detail.replaceChildren();
      return;
    }
    const subject = d.vc.credentialSubject ?? {};
    const proofText = d.proof === true ? "✓ the issuer's eddsa-jcs-2022 proof verifies"
      : d.proof?.code === "VERIFY_FAILED" ? "✗ the issuer's proof does NOT verify" : `✗ ${explain(d.proof).text}`;
    detail.replaceChildren(
      h("h2", {}, "Decrypted credential"),
      kv([
        ...subjectRows(subject),
        ["Issuer", h("code", { class: "wrap" }, typeof d.vc.issuer === "string" ? d.vc.issuer : d.vc.issuer?.id)],
        ["Issuer's proof", proofText, "user-proof"],
        ["Public notes (not encrypted)", h("code", { class: "wrap" }, d.credential.public_notes)],
      ]),
      shareForm(id, d),
    );
  };
  refresh.addEventListener("click", load);
  c.append(h("div", { class: "form" }, refresh), out, list, detail);
  load().then(() => {
    const first = S.decrypted.keys().next();
    if (!first.done) renderDetail(first.value);
  });
  c.append(nextButton("consumer", "Next: the consumer checks what you shared →"));
}

function shareForm(id, d) {
  const { idos } = S;
  const consumer = consumerKeys();
  const grantee = h("input", { id: "share-grantee", testid: "share-grantee", value: walletFor("consumer").address, spellcheck: "false" });
  const granteeKey = h("input", { id: "share-grantee-key", testid: "share-grantee-key", value: consumer.publicKey, spellcheck: "false" });
  const timelock = h("select", { id: "share-timelock", testid: "share-timelock" },
    [["10", "10 seconds"], ["30", "30 seconds"], ["120", "2 minutes"], ["3600", "1 hour"], ["0", "no timelock"]]
      .map(([v, t]) => h("option", { value: v, selected: v === "30" }, t)));
  const out = statusLine("share-status");
  const share = h("button", { type: "button", testid: "share" }, "Share with the consumer");
  share.addEventListener("click", () => act(share, out, "Re-encrypting for the consumer and asking the node for a grant…", async () => {
    const granteeAddress = idos.canonicalWalletIdentifier("EVM", grantee.value.trim());
    const copy = idos.makeSharedCopy({ copyId: crypto.randomUUID(), userId: d.credential.user_id, plaintext: d.plaintext, granteePublicKey: idos.fromBase64(granteeKey.value.trim()) });
    const seconds = Number(timelock.value);
    const lockedUntil = seconds ? nowSeconds() + seconds : 0;
    const res = await S.node.call("POST", "/v1/shares", {
      signer: walletFor("user"),
      body: { shared_copy: copy.credential, original_id: d.credential.id, grantee: granteeAddress, locked_until: lockedUntil, content_hash: copy.content_hash },
    });
    addReceipts(res.receipts, "Share");
    S.lastShare = { grant: res.grant, copyId: copy.credential.id };
    showCustody("The shared copy: re-encrypted to the consumer's key; you see the same plaintext.", storedText(copy.credential), JSON.stringify(d.vc, null, 2));
    const lockText = lockedUntil ? h("span", {}, " You promised not to revoke it before ", h("b", {}, clockTime(lockedUntil)), " (", h("span", { class: "countdown", dataset: { until: String(lockedUntil) } }, ""), ").") : " No timelock: you may revoke it at any time.";
    return [`✓ Shared. Grant ${short(res.grant.id, 8, 4)} lets ${walletLabel(granteeAddress)} read copy ${short(copy.credential.id, 8, 4)}.`, lockText];
  }));
  tickCountdowns();
  return h("div", { class: "share" },
    h("h2", {}, "Share it with a consumer"),
    explainer("Sharing makes a copy: the same plaintext encrypted to the consumer's public key and signed with a one-time key that is destroyed at once, so nobody can edit it. The node publishes an access grant."),
    h("div", { class: "grid-form" },
      h("label", { for: "share-grantee" }, "Consumer wallet"), grantee,
      h("label", { for: "share-grantee-key" }, "Consumer's public key"), granteeKey,
      h("label", { for: "share-timelock" }, "Timelock"), timelock),
    h("div", { class: "form" }, share), out);
}

// --- 4. Consumer -------------------------------------------------------------------------------------

function renderConsumer(c) {
  const { idos } = S;
  const consumer = consumerKeys();
  c.append(roleBar("consumer", "You are the consumer", "a service that must check a customer's KYC"));
  c.append(kv([["Published encryption key", h("code", { class: "wrap" }, consumer.publicKey)]]));
  c.append(explainer("The consumer proves it controls the grantee wallet (signed request), receives the copy's ciphertext, decrypts it with its own key, and checks the hash in the public grant and the issuer's signature."));
  const out = statusLine("consumer-status");
  const list = h("div", { class: "list", testid: "grant-list" });
  const result = h("div", { class: "verdict-box", testid: "verdict", hidden: true });
  const refresh = h("button", { type: "button", class: "secondary", testid: "list-grants" }, "Refresh grants received");
  const load = () => act(refresh, out, "Asking the node for grants naming this wallet…", async () => {
    const { grants } = await S.node.call("GET", "/v1/grants?role=grantee", { signer: walletFor("consumer") });
    if (!grants.length) {
      list.replaceChildren(h("p", { class: "muted" }, "No grants yet: the user shares a credential with you on step 3."));
      return;
    }
    list.replaceChildren(h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, "grant"), h("th", {}, "from user"), h("th", {}, "state"), h("th", {}, ""))),
      h("tbody", {}, grants.slice().reverse().map((g) => h("tr", {},
        h("td", {}, h("code", { title: g.id }, short(g.id, 8, 4)), h("br"), h("span", { class: "muted small" }, "copy ", h("code", { title: g.data_id }, short(g.data_id, 8, 4)))),
        h("td", {}, h("code", { title: g.owner }, short(g.owner, 8, 4))),
        h("td", {}, g.revoked_at ? h("span", { class: "state-locked" }, "revoked") : h("span", { class: "state-open" }, "active")),
        h("td", {}, h("button", { type: "button", class: "small fetch", testid: "fetch-verify", onclick: (e) => verify(g, e.currentTarget) }, "Fetch & verify")))))));
  });
  const verify = (g, btn) => act(btn, out, "Fetching the shared copy and verifying…", async () => {
    result.hidden = true;
    // The package's readShared: the copy, its grant, and the issuer's current status (checked).
    const res = await S.node.typed("readShared", walletFor("consumer"), g.data_id);
    const grant = res.grant ?? g;
    const credential = res.credential;
    const checks = [];
    const check = (ok, text) => {
      checks.push([ok, text]);
      return ok;
    };
    check(true, `the node handed out copy ${short(credential.id, 8, 4)} under grant ${short(grant.id, 8, 4)}`);
    let recordOk = true;
    try {
      idos.verifyCredential(credential);
    } catch {
      recordOk = false;
    }
    check(recordOk, recordOk ? "the copy's record signatures verify (nobody edited it)" : "the copy's record signatures do NOT verify");
    let bytes = null;
    try {
      bytes = idos.decrypt(credential.content, credential.encryptor_public_key, consumer.box);
    } catch (e) {
      check(false, `decryption with this consumer's key failed: ${explain(e).text}`);
    }
    let vc = null;
    let hashOk = false;
    let proofOk = false;
    let trusted = false;
    if (bytes) {
      check(true, "decrypted with this consumer's secret key, in this browser");
      const hash = idos.contentHash(bytes);
      hashOk = check(hash === grant.content_hash, hash === grant.content_hash
        ? `content hash ${short(hash, 10, 0)} equals the one in the public grant`
        : `content hash ${short(hash, 10, 0)} differs from the grant's ${short(grant.content_hash, 10, 0)}`);
      try {
        vc = JSON.parse(idos.utf8Decode(bytes));
        proofOk = idos.verifyCredentialProof(vc); // true, or throws (VERIFY_FAILED: does not verify)
        check(true, "the issuer's eddsa-jcs-2022 proof verifies");
      } catch (e) {
        check(false, e?.code === "VERIFY_FAILED" ? "the issuer's proof does NOT verify"
          : `the issuer's proof cannot be checked: ${explain(e).text}`);
      }
      const issuerId = typeof vc?.issuer === "string" ? vc.issuer : vc?.issuer?.id;
      trusted = check(issuerId === issuerKeys().did, issuerId === issuerKeys().did ? `issued by ${ISSUER_NAME}, an issuer this consumer trusts (${short(issuerId, 16, 6)})` : `issued by an unknown issuer ${short(String(issuerId), 16, 6)}`);
      showCustody("The consumer's copy: ciphertext on the node, plaintext only in the consumer's browser.", storedText(credential), JSON.stringify(vc ?? idos.utf8Decode(bytes), null, 2));
    }
    const statusOk = check(res.status.status === "active", `the issuer's status of this credential: ${statusWords(res.status)}${res.status.set ? "; its signature verifies" : ""}`);
    const valid = recordOk && bytes && hashOk && proofOk && trusted && statusOk;
    const subject = vc?.credentialSubject ?? {};
    result.replaceChildren(
      h("div", { class: `verdict ${valid ? "valid" : "invalid"}`, testid: "verdict-text" }, valid
        ? `✓ VALID: ${subject.name ?? "the holder"} passed ${subject.kycLevel ?? ""} KYC with ${ISSUER_NAME}; the data is exactly what the user shared and the issuer signed.`
        : `✗ NOT VALID: ${statusOk ? "see the failed check below." : `the issuer has ${res.status.status} this credential.`}`),
      h("ul", { class: "checks" }, checks.map(([ok, text]) => h("li", { class: ok ? "ok" : "bad" }, ok ? "✓ " : "✗ ", text))),
      kv([["Issuer status", statusWords(res.status), "consumer-credential-status"]]),
      vc ? kv(subjectRows(subject)) : null);
    result.hidden = false;
  }, {
    FORBIDDEN: "The node refused: this wallet has no valid access grant for that copy (the user revoked it, or never granted it).",
  });
  refresh.addEventListener("click", load);
  c.append(h("div", { class: "form" }, refresh), out, list, result);
  load();
  c.append(nextButton("explorer", "Next: what can everybody else see? →"));
}

// --- 5. Explorer -------------------------------------------------------------------------------------

function renderExplorer(c) {
  c.append(h("div", { class: "rolebar role-public" }, h("div", { class: "who" }, h("strong", {}, "You are anyone"), h("span", { class: "muted" }, "no wallet needed to read public grants"))));
  c.append(explainer("Access grants are public so anyone can audit who may read what: they carry ids, a wallet, a timelock and a SHA-256, never the data or a key."));
  const out = statusLine("explorer-status");
  const list = h("div", { class: "list", testid: "public-grants" });
  const refresh = h("button", { type: "button", class: "secondary", testid: "explorer-refresh" }, "Refresh public grants");
  const load = () => act(refresh, out, "Reading GET /v1/public/grants (no signature)…", async () => {
    const { grants } = await S.node.call("GET", "/v1/public/grants?include_revoked=true&include_deleted=true&limit=100");
    if (!grants.length) {
      list.replaceChildren(h("p", { class: "muted" }, "No grants on this node yet."));
      return;
    }
    list.replaceChildren(
      h("p", { class: "muted", testid: "explorer-count" }, `${grants.length} grant${grants.length === 1 ? "" : "s"} on this node. Every field the node publishes:`),
      ...grants.slice().reverse().map((g) => {
        if (g.deleted) {
          // Its credential was deleted: the id stays taken, nothing else is published.
          return h("div", { class: "grant-card", testid: "deleted-grant" },
            h("pre", { class: "grant-json" }, JSON.stringify({ id: g.id, deleted: true, deleted_at: g.deleted_at }, null, 2)),
            h("div", { class: "muted small" }, `deleted with its credential at ${clockTime(g.deleted_at)}: no data left`));
        }
        const tryOut = h("div", { class: "status", hidden: true });
        const tryBtn = h("button", { type: "button", class: "small secondary stranger", testid: "stranger-read" }, "Try to read this copy as a stranger");
        tryBtn.addEventListener("click", () => act(tryBtn, tryOut, "A fresh wallet asks the node for the copy…", async () => {
          const { strangerWallet } = await import("./lib/wallets.js");
          try {
            await S.node.call("GET", `/v1/shared/${g.data_id}`, { signer: strangerWallet() });
          } catch (e) {
            if (e instanceof NodeError && e.code === "FORBIDDEN") {
              return "✓ Refused, as it should be: a wallet without a grant gets nothing from the node, not even whether the copy exists.";
            }
            throw e;
          }
          throw new IdosError("FORBIDDEN", "the node handed the copy to a wallet without a grant: this must not happen");
        }));
        return h("div", { class: "grant-card" },
          h("pre", { class: "grant-json" }, JSON.stringify({ id: g.id, owner: g.owner, grantee: g.grantee, data_id: g.data_id, locked_until: g.locked_until, content_hash: g.content_hash, inserter_type: g.inserter_type, revoked_at: g.revoked_at }, null, 2)),
          h("div", { class: "muted small" }, `grantee: ${walletLabel(g.grantee)} · `, g.locked_until ? `locked until ${clockTime(g.locked_until)}` : "no timelock", g.revoked_at ? " · revoked" : ""),
          tryBtn, tryOut);
      }));
    const first = grants.filter((g) => !g.deleted).pop() ?? grants[grants.length - 1];
    showCustody("Public grant metadata: the node and everybody see the same record, because it holds no personal data.", JSON.stringify(first, null, 2),
      `The same record as on the left: ids, a wallet, a timelock, a hash.\n\nNot in it: a name, a birth date, a document, a key.\nThe data behind data_id ${first.data_id} is ciphertext that only its owner and the grantee can open.`);
  });
  refresh.addEventListener("click", load);
  c.append(h("div", { class: "form" }, refresh), out, list);
  load();
  c.append(nextButton("revoke", "Next: take access back →"));
}

// --- 6. Revoke ---------------------------------------------------------------------------------------

function renderRevoke(c) {
  c.append(roleBar("user", "You are the user", "the owner of the grants"));
  c.append(explainer("Revoking deletes a grant. The node lets only its owner do it, and only after its timelock: until then the consumer can rely on its access."));
  if (!loadProfile()) {
    c.append(h("p", { class: "status status-info" }, "Create your profile first (step 1)."));
    return;
  }
  const out = statusLine("revoke-status");
  const list = h("div", { class: "list", testid: "owner-grants" });
  const refresh = h("button", { type: "button", class: "secondary", testid: "revoke-refresh" }, "Refresh my grants");
  const load = () => act(refresh, out, "Asking the node for the grants you own…", async () => {
    const { grants } = await S.node.call("GET", "/v1/grants?role=owner", { signer: walletFor("user") });
    if (!grants.length) {
      list.replaceChildren(h("p", { class: "muted" }, "You own no grants yet: share a credential on step 3."));
      return;
    }
    list.replaceChildren(h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, "grantee"), h("th", {}, "timelock"), h("th", {}, ""))),
      h("tbody", {}, grants.slice().reverse().map((g) => h("tr", { dataset: { grant: g.id } },
        h("td", {}, h("b", {}, walletLabel(g.grantee)), h("br"), h("span", { class: "muted small" }, "grant ", h("code", { title: g.id }, short(g.id, 8, 4)))),
        h("td", {}, g.revoked_at ? h("span", { class: "state-locked" }, "revoked") : g.locked_until
          ? h("span", {}, `until ${clockTime(g.locked_until)} `, h("span", { class: "countdown", dataset: { until: String(g.locked_until) } }))
          : "none"),
        h("td", {}, g.revoked_at ? null : h("button", { type: "button", class: "small danger revoke", testid: "revoke", onclick: (e) => revoke(g, e.currentTarget) }, "Revoke")))))));
    tickCountdowns();
  });
  const revoke = (g, btn) => act(btn, out, "Asking the node to revoke…", async () => {
    const res = await S.node.call("DELETE", `/v1/grants/${g.id}`, { signer: walletFor("user") });
    addReceipts(res.receipts, "Revoke");
    await load();
    return `✓ Revoked at ${clockTime(res.revoked_at)}. ${walletLabel(g.grantee)} can no longer fetch the copy; the public grant list now shows it as revoked.`;
  }, {
    LOCKED: `Refused by the node: this grant is timelocked until ${clockTime(g.locked_until)} (${Math.max(0, g.locked_until - nowSeconds())} s left). The timelock is your promise to the consumer; try again when the countdown ends.`,
  });
  refresh.addEventListener("click", load);
  c.append(h("div", { class: "form" }, refresh), out, list);
  load();
  c.append(editCredentialForm());
  c.append(deleteCredentialForm(load));
  c.append(nextButton("consumer", "Check as the consumer: the copy is now refused →"));
}

// Edit a credential (docs/spec/owner-changes.md): the owner decrypts an original here, re-encrypts
// it to their key with a new public note, re-signs it (a fresh Ed25519 key, as changeEncryptionKey
// does) and replaces it under the same id. Refused for an original whose copies hold a grant still
// in its timelock (LOCKED), as in idOS.
function editCredentialForm() {
  const { idos } = S;
  const out = statusLine("edit-status");
  const list = h("div", { class: "list", testid: "edit-list" });
  const note = h("input", { id: "edit-note", testid: "edit-note", value: "address updated", placeholder: "a public note" });
  const refresh = h("button", { type: "button", class: "secondary", testid: "edit-refresh" }, "List my credentials");
  const load = () => act(refresh, out, "Asking the node for your credentials…", async () => {
    const { credentials } = await S.node.call("GET", "/v1/credentials", { signer: walletFor("user") });
    const originals = credentials.filter((m) => m.role === "original");
    if (!originals.length) {
      list.replaceChildren(h("p", { class: "muted" }, "No credentials to edit."));
      return;
    }
    list.replaceChildren(h("table", { class: "table" }, h("tbody", {}, originals.map((m) => h("tr", {},
      h("td", {}, h("code", { title: m.id }, short(m.id, 8, 4))),
      h("td", {}, h("button", { type: "button", class: "small", testid: "edit-credential", onclick: (e) => edit(m, e.currentTarget) }, "Re-encrypt with this note")))))));
  });
  const edit = (meta, btn) => act(btn, out, "Decrypting here, re-encrypting to your key, re-signing, one write…", async () => {
    if (!S.userKey || S.userKey.disposed) throw new IdosError("LOCKED_VAULT", "locked");
    const signer = walletFor("user");
    const { credential } = await S.node.call("GET", `/v1/credentials/${meta.id}`, { signer });
    let notes;
    try {
      notes = JSON.parse(credential.public_notes || "{}");
    } catch { /* not JSON: kept as a member below */ }
    if (!notes || typeof notes !== "object" || Array.isArray(notes)) notes = { previous_notes: credential.public_notes };
    if (note.value.trim()) notes.owner_note = note.value.trim();
    else delete notes.owner_note;
    const plaintext = idos.decrypt(credential.content, idos.fromBase64(credential.encryptor_public_key), S.userKey);
    const signingKey = idos.generateEd25519KeyPair();
    let edited;
    try {
      edited = idos.buildCredential({ id: credential.id, userId: credential.user_id, publicNotes: JSON.stringify(notes),
        plaintext, recipientPublicKey: S.userKey.publicKey, issuer: signingKey });
    } finally {
      plaintext.fill(0);
      signingKey.dispose();
    }
    const res = await S.node.typed("editCredential", signer, edited);
    addReceipts(res.receipts, "Edit");
    S.decrypted.delete(meta.id);
    showCustody("The edited credential: new ciphertext and signatures under the same id.", storedText(edited),
      `public notes (not encrypted):\n${JSON.stringify(notes, null, 2)}\n\nThe encrypted content is the same credential, re-encrypted to your key.`);
    await load();
    return `✓ Edited: credential ${short(meta.id, 8, 4)} re-encrypted to your key and re-signed, public note “${notes.owner_note ?? ""}”. Same id; the copies you shared stay as they are.`;
  }, {
    LOCKED: "Refused by the node: a grant on a copy of this credential is still timelocked, so the credential cannot be edited until it ends (as in idOS). Try again when the countdown ends.",
  });
  refresh.addEventListener("click", load);
  load();
  return h("div", { class: "edit-credential" }, h("h2", {}, "Edit a credential"),
    explainer("Editing replaces your credential under the same id: decrypted here, re-encrypted to your key with a new public note, re-signed. The node checks the signatures; it refuses while a grant on a copy is timelocked."),
    h("div", { class: "form" }, h("label", { for: "edit-note" }, "Public note"), note, refresh), out, list);
}

// Delete a credential: the original, every copy shared from it and their grants (refused while a
// grant is timelocked; docs/api.md).
function deleteCredentialForm(reloadGrants) {
  const out = statusLine("delete-status");
  const list = h("div", { class: "list", testid: "delete-list" });
  const refresh = h("button", { type: "button", class: "secondary", testid: "delete-refresh" }, "List my credentials");
  const load = () => act(refresh, out, "Asking the node for your credentials…", async () => {
    const { credentials } = await S.node.call("GET", "/v1/credentials", { signer: walletFor("user") });
    const originals = credentials.filter((m) => m.role === "original");
    if (!originals.length) {
      list.replaceChildren(h("p", { class: "muted" }, "No credentials left."));
      return;
    }
    list.replaceChildren(h("table", { class: "table" }, h("tbody", {}, originals.map((m) => h("tr", {},
      h("td", {}, h("code", { title: m.id }, short(m.id, 8, 4)), " ",
        h("span", { class: "muted small" }, `${credentials.filter((x) => x.original_id === m.id).length} shared cop(ies)`)),
      h("td", {}, h("button", { type: "button", class: "small danger", testid: "delete-credential", onclick: (e) => remove(m, e.currentTarget) }, "Delete")))))));
  });
  const remove = (meta, btn) => act(btn, out, "Asking the node to delete the credential and its copies…", async () => {
    const res = await S.node.call("DELETE", `/v1/credentials/${meta.id}`, { signer: walletFor("user") });
    addReceipts(res.receipts, "Delete");
    S.decrypted.delete(meta.id);
    await load();
    await reloadGrants();
    const d = res.deleted;
    return `✓ Deleted: the credential, ${d.shared_copies.length} shared cop${d.shared_copies.length === 1 ? "y" : "ies"} and ${d.grants.length} grant${d.grants.length === 1 ? "" : "s"}. The node erased the ciphertext; the explorer keeps only the grant ids.`;
  }, {
    LOCKED: "Refused by the node: a grant on a copy of this credential is still timelocked. You promised the consumer access until then; try again when the countdown ends.",
  });
  refresh.addEventListener("click", load);
  load();
  return h("div", { class: "delete-credential" }, h("h2", {}, "Delete a credential"),
    explainer("Deleting removes your credential, every copy you shared from it and their grants; the node overwrites the stored ciphertext. Refused while a grant is timelocked."),
    h("div", { class: "form" }, refresh), out, list);
}

// --- countdowns ----------------------------------------------------------------------------------------

function tickCountdowns() {
  const now = nowSeconds();
  for (const el of document.querySelectorAll(".countdown[data-until]")) {
    const left = Number(el.dataset.until) - now;
    el.textContent = left > 0 ? `locked · ${left} s left` : "unlocked: revocable now";
    el.classList.toggle("expired", left <= 0);
  }
}

// --- tabs ----------------------------------------------------------------------------------------------

function show(id) {
  const tab = TABS.find((t) => t.id === id) ?? TABS[0];
  current = tab.id;
  for (const b of document.querySelectorAll("#tabs button")) {
    const on = b.dataset.tab === tab.id;
    b.setAttribute("aria-selected", on ? "true" : "false");
    b.classList.toggle("active", on);
    if (on) b.scrollIntoView({ block: "nearest", inline: "center" });
  }
  const panel = h("div", { class: "panel", role: "tabpanel", id: `panel-${tab.id}`, testid: `panel-${tab.id}` },
    h("h2", { class: "step-title" }, h("span", { class: "step-n" }, String(tab.n)), tab.label));
  try {
    tab.render(panel);
  } catch (e) {
    panel.append(h("p", { class: "status status-error" }, explain(e).text));
  }
  $("panels").replaceChildren(panel);
  if (location.hash !== `#${tab.id}`) history.replaceState(null, "", `#${tab.id}`);
}

function renderTabs() {
  $("tabs").replaceChildren(...TABS.map((t) => h("button", {
    type: "button", role: "tab", id: `tab-${t.id}`, testid: `tab-${t.id}`, dataset: { tab: t.id },
    onclick: () => show(t.id),
  }, h("span", { class: "step-n" }, String(t.n)), h("span", { class: "tab-label" }, t.label))));
}

async function startOver() {
  if (!window.confirm("Forget this browser's demo wallets, keys, vault and receipts? (The node keeps its data.)")) return;
  try {
    lockUser();
    await S.vault?.close();
    await deleteVault(vaultName()).catch(() => {});
  } catch { /* best effort */ }
  for (const k of Object.keys(localStorage)) if (k.startsWith("idos-demo.")) localStorage.removeItem(k);
  sessionStorage.removeItem(K_RECEIPTS);
  forgetWallets();
  location.hash = "";
  location.reload();
}

// --- start -----------------------------------------------------------------------------------------------

async function main() {
  renderTabs();
  $("panels").replaceChildren(h("p", { class: "status status-busy", testid: "loading" }, "Loading the idos-core WebAssembly module…"));
  window.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    banner(explain(e.reason).text);
  });
  window.addEventListener("error", (e) => banner(explain(e.error ?? e.message).text));
  try {
    S.idos = await load();
  } catch (e) {
    $("panels").replaceChildren(h("p", { class: "status status-error" }, `The idos-core module did not load: ${explain(e).text}`));
    return;
  }
  const clusterConfig = await startCluster();
  S.node = new NodeClient(S.idos, { cluster: clusterConfig });
  loadReceipts();
  renderReceipts();
  if (clusterConfig) {
    S.cluster = new ClusterView({ idos: S.idos, config: clusterConfig, header: document.querySelector("header.top"),
      aside: document.querySelector("aside.custody"), onNodeCurrent: () => S.node.currentBase });
    await S.cluster.start(); // polls every 2 s
  } else {
    await pollHealth();
    setInterval(pollHealth, 5000);
  }
  setInterval(tickCountdowns, 1000);
  try {
    await reopenVault();
  } catch (e) {
    banner(`The local vault could not be opened: ${explain(e).text}`);
  }
  $("reset").addEventListener("click", startOver);
  window.addEventListener("hashchange", () => {
    const id = location.hash.slice(1);
    if (id && id !== current) show(id);
  });
  show(location.hash.slice(1) || "user");
  document.body.dataset.ready = "true";
}

main();
