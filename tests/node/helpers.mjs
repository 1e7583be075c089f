// Shared helpers for the storage-node tests: start a real idos-node on 127.0.0.1 (port chosen by
// the node, read from its "listening" log line) with a temporary data folder, sign requests with
// real wallets (ethers for EVM, tweetnacl for FaceSign), and build documents with the idos-core
// npm package (../../js/dist, assembled by js/scripts/build.mjs).
import { spawn, execFileSync } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Wallet } from "ethers";
import nacl from "tweetnacl";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, "../..");
export const NODE_BIN = process.env.IDOS_NODE_BIN ?? path.join(ROOT, "build/native/storage-node/idos-node");
export const PLUGIN = process.env.IDOS_PLUGIN ?? path.join(ROOT, "build/native/plugin/libidos_plugin.so");
const JS_DIST = path.join(ROOT, "js/dist/index.js");

let idosPromise;
/** The idos-core package (WASM), loaded once. */
export function idos() {
  if (!existsSync(JS_DIST)) throw new Error(`${JS_DIST} missing: build the js package (cd js && node scripts/build.mjs)`);
  idosPromise ??= import(JS_DIST).then((m) => m.load());
  return idosPromise;
}

// The storage backend of every node started here. IDOS_TEST_STORAGE=postgres runs them on the
// throwaway cluster whose folder (unix socket) is IDOS_TEST_PG_HOST (scripts/pg-cluster), one
// database per data folder, so a node restarted on the same data folder finds its state again.
export const STORAGE = process.env.IDOS_TEST_STORAGE ?? "sqlite";
export const PG_HOST = process.env.IDOS_TEST_PG_HOST ?? "";
export const PG_BIN = process.env.IDOS_PG_BIN ?? (() => {
  try {
    const versions = readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a);
    return versions.length ? `/usr/lib/postgresql/${versions[0]}/bin` : "";
  } catch { return ""; }
})();
if (STORAGE !== "sqlite" && STORAGE !== "postgres") throw new Error(`IDOS_TEST_STORAGE: sqlite or postgres, not ${STORAGE}`);
if (STORAGE === "postgres" && !PG_HOST) throw new Error("IDOS_TEST_STORAGE=postgres needs IDOS_TEST_PG_HOST (scripts/pg-cluster start)");

/** psql on the test cluster as its superuser; returns the output (unaligned, tuples only). */
export function psql(database, sql) {
  return execFileSync(path.join(PG_BIN, "psql"), ["-h", PG_HOST, "-U", "idos", "-d", database, "-v", "ON_ERROR_STOP=1",
    "-tAq", "-c", sql], { stdio: ["ignore", "pipe", "pipe"], timeout: 30000 }).toString().trim();
}

/** The database of the node using `dataDir` (created on first use). */
export function pgDatabaseName(dataDir) {
  const name = "idos_" + createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 24);
  // A hex name: safe to write into the statement.
  if (psql("postgres", `SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === "0") {
    execFileSync(path.join(PG_BIN, "createdb"), ["-h", PG_HOST, "-U", "idos", name], { stdio: "ignore", timeout: 30000 });
  }
  return name;
}
export const pgConninfo = (database) => `host=${PG_HOST} user=idos dbname=${database}`;

/** The flags selecting the storage under test for a node on `dataDir` (none for SQLite). */
export function storageArgs(dataDir) {
  return STORAGE === "postgres" ? ["--storage", "postgres", "--pg", pgConninfo(pgDatabaseName(dataDir))] : [];
}

const nodes = new Set();
process.on("exit", () => { for (const n of nodes) try { n.proc.kill("SIGKILL"); } catch {} });

/**
 * Starts idos-node. Options: dataDir (default: a fresh temp folder, removed by stop()),
 * args (extra flags), env. Resolves once the node logs "listening".
 */
export async function startNode({ dataDir, args = [], env = {}, keepData = false } = {}) {
  const ownDir = !dataDir;
  dataDir ??= mkdtempSync(path.join(tmpdir(), "idos-node-test-"));
  const backend = args.includes("--storage") ? [] : storageArgs(dataDir);
  const proc = spawn(NODE_BIN, ["--listen", "127.0.0.1:0", "--data", dataDir, "--plugin", PLUGIN, ...backend, ...args], {
    env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  const node = { proc, dataDir, logs: [], exited: null };
  nodes.add(node);
  let buffered = "";
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("idos-node did not start in 10 s:\n" + buffered)), 10000);
    proc.stderr.on("data", (chunk) => {
      buffered += chunk.toString();
      let i;
      while ((i = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        let entry;
        try { entry = JSON.parse(line); } catch { entry = { raw: line }; }
        node.logs.push(entry);
        if (entry.event === "listening") { clearTimeout(timer); resolve(entry); }
      }
    });
    proc.on("exit", (code, signal) => {
      node.exited = { code, signal };
      clearTimeout(timer);
      reject(new Error(`idos-node exited (${code ?? signal}) before listening:\n${buffered}` +
        node.logs.map((l) => JSON.stringify(l)).join("\n")));
    });
  });
  const exit = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const info = await listening;
  Object.assign(node, {
    port: info.port,
    url: `http://127.0.0.1:${info.port}`,
    nodeId: info.node_id,
    exit,
    /** SIGTERM, wait for exit; returns {code, signal}. */
    async stop() {
      if (!node.exited) proc.kill("SIGTERM");
      const r = await exit;
      nodes.delete(node);
      if (ownDir && !keepData) {
        rmSync(dataDir, { recursive: true, force: true });
        if (backend.length) psql("postgres", `DROP DATABASE IF EXISTS ${pgDatabaseName(dataDir)}`);
      }
      return r;
    },
    async kill9() {
      proc.kill("SIGKILL");
      const r = await exit;
      nodes.delete(node);
      return r;
    },
  });
  return node;
}

/** Runs the binary to completion (for --help, refused starts); returns {status, stdout, stderr}. */
export function runNodeOnce(args, { env = {} } = {}) {
  try {
    const stdout = execFileSync(NODE_BIN, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], timeout: 10000 });
    return { status: 0, stdout: stdout.toString(), stderr: "" };
  } catch (e) {
    return { status: e.status, stdout: e.stdout?.toString() ?? "", stderr: e.stderr?.toString() ?? "" };
  }
}

// --- wallets --------------------------------------------------------------------------------------

export const hex = (bytes) => Buffer.from(bytes).toString("hex");
export const sha256Hex = (data) => createHash("sha256").update(data).digest("hex");
export const rfc3339 = (unix) => new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const uuid = () => randomUUID();

/** An EVM wallet (ethers): EIP-191 personal_sign. */
export function evmWallet() {
  const w = Wallet.createRandom();
  return {
    type: "EVM",
    identifier: w.address.toLowerCase(),
    sign: (message) => w.signMessage(message),
    signSync: (message) => w.signMessageSync(message),
  };
}

/** A FaceSign wallet (tweetnacl Ed25519 over the raw UTF-8 message). */
export function faceSignWallet() {
  const kp = nacl.sign.keyPair();
  const sign = (message) => hex(nacl.sign.detached(new TextEncoder().encode(message), kp.secretKey));
  return { type: "FaceSign", identifier: hex(kp.publicKey), sign: async (m) => sign(m), signSync: sign };
}

// --- signed requests ------------------------------------------------------------------------------

/**
 * Builds the Idos-Signed-Request header value for `wallet` calling `method path` with `body`.
 * overrides: any signed_request member to replace after signing (e.g. method), or
 * {nonce, issued_at} before signing.
 */
export async function signedRequestHeader(wallet, method, target, body = "", { nonce, issuedAt, after = {} } = {}) {
  const m = await idos();
  const fields = {
    caller_wallet_identifier: wallet.identifier,
    method,
    path: target,
    body_sha256: sha256Hex(typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body)),
    nonce: nonce ?? hex(randomBytes(32)),
    issued_at: issuedAt ?? rfc3339(nowSeconds()),
  };
  const message = m.signedRequestMessage(fields);
  const doc = { caller_wallet_type: wallet.type, ...fields, signature: await wallet.sign(message), ...after };
  return Buffer.from(JSON.stringify(doc)).toString("base64");
}

/**
 * One HTTP request to the node. `body`: an object (sent as JSON), a string or bytes (sent as is).
 * `wallet`: signs the request (omit for unauthenticated). Returns {status, body (parsed JSON or
 * null), text, headers, header (the signed-request header used, for replays)}.
 */
export async function call(node, method, target, { body, wallet, sign = {}, header, headers = {} } = {}) {
  const raw = body === undefined ? "" : (typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body));
  const h = { ...headers };
  if (raw.length > 0 && !h["content-type"]) h["content-type"] = "application/json";
  let signed = header;
  if (!signed && wallet) signed = await signedRequestHeader(wallet, method, target, raw, sign);
  if (signed) h["idos-signed-request"] = signed;
  const res = await fetch(node.url + target, { method, headers: h, body: raw.length > 0 ? raw : undefined });
  const text = await res.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch {}
  return { status: res.status, body: parsed, text, headers: res.headers, header: signed };
}

/** Sends raw bytes on a fresh TCP connection and returns the raw response text (for what fetch cannot send). */
export function rawHttp(node, requestText, { timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(node.port, "127.0.0.1");
    let out = "";
    const timer = setTimeout(() => { sock.destroy(); resolve(out); }, timeoutMs);
    sock.on("data", (d) => { out += d.toString("latin1"); });
    sock.on("end", () => { clearTimeout(timer); resolve(out); });
    sock.on("error", (e) => { clearTimeout(timer); if (out) resolve(out); else reject(e); });
    sock.write(requestText);
  });
}

// --- receipts -------------------------------------------------------------------------------------

export function receiptMessage(r) {
  return [
    "operation: nodeReceipt",
    `node_id: ${r.node_id}`,
    `write_operation: ${r.write_operation}`,
    `object_id: ${r.object_id}`,
    `sha256: ${r.sha256}`,
    `log_position: ${r.log_position}`,
    `time: ${r.time}`,
  ].join("\n");
}

/** true when the receipt is signed by one of `permittedNodeIds`; else IdosError VERIFY_FAILED, as every verify* call. */
export async function verifyReceipt(receipt, permittedNodeIds) {
  const m = await idos();
  if (!permittedNodeIds.includes(receipt.node_id)) {
    const { IdosError } = await import(JS_DIST);
    throw new IdosError("VERIFY_FAILED", `the receipt's node ${receipt.node_id} is not permitted`);
  }
  return m.ed25519Verify(receiptMessage(receipt), m.fromHex(receipt.signature), m.fromHex(receipt.node_id));
}

/** SHA-256 hex of the canonical JSON of `value` (what receipts name). */
export async function canonicalSha(value) {
  const m = await idos();
  return sha256Hex(Buffer.from(m.canonicalizeJson(value), "utf8"));
}

// --- documents ------------------------------------------------------------------------------------

/** Registers a user for `wallet` and returns {userId, encryption (X25519 key pair), response}. */
export async function createUser(node, wallet) {
  const m = await idos();
  const encryption = m.generateEncryptionKeyPair();
  const userId = uuid();
  const response = await call(node, "POST", "/v1/users", {
    wallet, body: { user_id: userId, encryption_public_key: m.toBase64(encryption.publicKey) },
  });
  return { userId, encryption, response };
}

/** A credential of `userId` encrypted to `recipientPublicKey`, signed by `issuer` (Ed25519KeyPair). */
export async function makeCredential({ userId, plaintext, recipientPublicKey, issuer, publicNotes = '{"type":"KYC"}' }) {
  const m = await idos();
  issuer ??= m.generateEd25519KeyPair();
  return m.buildCredential({ id: uuid(), userId, publicNotes, plaintext, recipientPublicKey, issuer });
}

/** A signed DWG document for `owner` (a wallet) allowing `issuer` to write with a grant for `grantee`. */
export async function makeDwg({ owner, grantee, issuerPublicKeyHex, timelock, notBefore, notAfter, id }) {
  const m = await idos();
  const now = nowSeconds();
  const fields = {
    owner_wallet_identifier: owner.identifier,
    grantee_wallet_identifier: grantee,
    issuer_public_key: issuerPublicKeyHex,
    id: id ?? uuid(),
    access_grant_timelock: rfc3339(timelock ?? now + 3),
    not_usable_before: rfc3339(notBefore ?? now - 60),
    not_usable_after: rfc3339(notAfter ?? now + 3600),
  };
  const signature = await owner.sign(m.delegatedWriteGrantMessage(fields));
  return { owner_wallet_type: owner.type, ...fields, signature };
}

/** A signed DAG document. */
export async function makeDag({ owner, grantee, dataId, lockedUntil = 0, contentHash }) {
  const m = await idos();
  const fields = {
    owner_wallet_identifier: owner.identifier,
    grantee_wallet_identifier: grantee,
    data_id: dataId,
    locked_until: lockedUntil,
    content_hash: contentHash,
  };
  const signature = await owner.sign(m.delegatedAccessGrantMessage(fields));
  return { owner_wallet_type: owner.type, ...fields, signature };
}

export function sqliteIntegrity(dataDir) {
  return execFileSync("sqlite3", [path.join(dataDir, "node.db"), "PRAGMA integrity_check;"]).toString().trim();
}

/**
 * "ok" when the node's stored state on `dataDir` is intact: SQLite's PRAGMA integrity_check, or on
 * PostgreSQL amcheck over every table (verify_heapam) and B-tree index (bt_index_check with the
 * heap cross-check) of the node's database, plus the node's own invariant: log positions 1..N.
 */
export function storageIntegrity(dataDir) {
  if (STORAGE === "sqlite") return sqliteIntegrity(dataDir);
  const db = pgDatabaseName(dataDir);
  psql(db, "CREATE EXTENSION IF NOT EXISTS amcheck");
  const problems = [];
  const heap = psql(db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, " +
    "LATERAL verify_heapam(c.oid) WHERE n.nspname = 'public' AND c.relkind = 'r'");
  if (heap !== "0") problems.push(`verify_heapam: ${heap} problems`);
  try {
    psql(db, "SELECT bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid " +
      "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = 'public' AND a.amname = 'btree'");
  } catch (e) { problems.push(`bt_index_check: ${e.stderr?.toString().trim()}`); }
  const gaps = psql(db, "SELECT COALESCE(MAX(position), 0) - count(*) FROM log");
  if (gaps !== "0") problems.push(`log positions with gaps: ${gaps}`);
  return problems.length ? problems.join("; ") : "ok";
}

/** Drops the database of a data folder's node (PostgreSQL runs; nothing for SQLite). */
export function removeStorage(dataDir) {
  if (STORAGE === "postgres") psql("postgres", `DROP DATABASE IF EXISTS ${pgDatabaseName(dataDir)}`);
}

export function removeDir(dir) { rmSync(dir, { recursive: true, force: true }); }
export function tempDir() { return mkdtempSync(path.join(tmpdir(), "idos-node-test-")); }
