// A client for the storage node's HTTP API (docs/api.md): signed requests, typed calls, errors as
// IdosError, and verification of the node's signed receipts against the permitted node keys.
// The network is permissioned: a write whose receipts are not all signed by a permitted node key
// is reported as VERIFY_FAILED, never as success.
import { IdosError, load } from "./index.js";

export { signerFrom } from "./wallets.js";

/** Strict RFC 3339 UTC without fractions, as the spec writes times. */
export function rfc3339(date = new Date()) {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/**
 * The exact text a node signs for a receipt (docs/spec/receipts.md), built by the core (the
 * same builder the node's plugin uses). Needs the loaded module (`await load()`).
 */
export function receiptMessage(idos, receipt) {
  const { signature, ...unsigned } = receipt ?? {};
  return idos.signedMessage("node_receipt", unsigned);
}

/**
 * true when `receipt` is signed by one of `permittedNodeKeys` (hex node ids) and, if given, names
 * `expectedSha256`; otherwise IdosError VERIFY_FAILED, as every verify* call (INVALID_INPUT or the
 * field's code for a receipt that is not an object or is malformed). Synchronous: needs
 * the loaded module (`await load()`).
 */
export function verifyReceipt(idos, receipt, permittedNodeKeys, { expectedSha256 } = {}) {
  if (!receipt || typeof receipt !== "object") throw new IdosError("INVALID_INPUT", "a receipt must be an object");
  if (!permittedNodeKeys.includes(receipt.node_id)) {
    throw new IdosError("VERIFY_FAILED", `the receipt's node ${receipt.node_id} is not a permitted node key`);
  }
  if (expectedSha256 !== undefined && receipt.sha256 !== expectedSha256) {
    throw new IdosError("VERIFY_FAILED", "the receipt names another sha256 than the one expected");
  }
  // The core's verdict (docs/spec/receipts.md): fields, message and the node's signature.
  return idos.validate("node_receipt", receipt, 0);
}

/**
 * The exact text a network node signs for a log entry (docs/spec/receipts.md, "Signed log
 * entries"), built by the core. Needs the loaded module (`await load()`).
 */
export function logEntryMessage(idos, entry) {
  const { signature, ...unsigned } = entry ?? {};
  return idos.signedMessage("node_log_entry", unsigned);
}

/**
 * true when `entry` (a node's GET /v1/log/{position} answer) is signed by one of
 * `permittedNodeKeys` and, if given, is at `expectedPosition`; otherwise IdosError VERIFY_FAILED
 * (or the field's code for a malformed entry), as verifyReceipt. Synchronous.
 */
export function verifyLogEntry(idos, entry, permittedNodeKeys, { expectedPosition } = {}) {
  if (!entry || typeof entry !== "object") throw new IdosError("INVALID_INPUT", "a log entry must be an object");
  if (!permittedNodeKeys.includes(entry.node_id)) {
    throw new IdosError("VERIFY_FAILED", `the log entry's node ${entry.node_id} is not a permitted node key`);
  }
  if (expectedPosition !== undefined && entry.position !== expectedPosition) {
    throw new IdosError("VERIFY_FAILED", `the log entry is at position ${entry.position}, not ${expectedPosition}`);
  }
  // The core's verdict: members, the node_log_entry message and the node's signature.
  return idos.validate("node_log_entry", entry, 0);
}

// The most a client retries one request (each retry resends the same signed bytes).
const MAX_RETRIES = 5;
// The most nodes one client is given, and the longest it waits for a write's receipt quorum.
const MAX_NODES = 64;
const MAX_QUORUM_WAIT_MS = 120000;

function nodeError(status, code, message) {
  const e = new IdosError(code, message);
  e.status = status;
  return e;
}

/**
 * Seconds from a Retry-After header (RFC 9110: delay-seconds or an HTTP-date), or undefined when
 * the header is absent or neither form.
 */
function retryAfterSeconds(value, now = Date.now()) {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export class NodeClient {
  #idos;
  #fetch;
  #permitted;
  #retries;

  #urls;
  #current = 0;
  #minReceipts;
  #quorumWaitMs;
  #minPosition = 0;

  /**
   * baseUrl: the node ("http://127.0.0.1:8787", or "" for same-origin paths); or baseUrls: the
   * nodes of a network, tried in order: a request that gets no answer or a 5xx from one node is
   * resent (the same signed bytes, so a write is applied once) to the next.
   * permittedNodeKeys: hex Ed25519 node ids whose receipts are trusted.
   * minReceipts (1..): a write resolves only when that many distinct permitted nodes signed an
   * `OK` entry with one state hash at its log position (GET /v1/log/{position}), within
   * quorumWaitMs (default 10000).
   */
  constructor({ baseUrl, baseUrls, idos, permittedNodeKeys = [], fetch: fetchImpl, retries = 0, minReceipts = 1,
    quorumWaitMs = 10000 } = {}) {
    if (baseUrl !== undefined && baseUrls !== undefined) throw new IdosError("INVALID_INPUT", "pass baseUrl or baseUrls, not both");
    const urls = baseUrls ?? [baseUrl ?? ""];
    if (!Array.isArray(urls) || urls.length === 0 || urls.length > MAX_NODES || !urls.every((u) => typeof u === "string")) {
      throw new IdosError("INVALID_INPUT", baseUrls !== undefined
        ? `baseUrls must be a non-empty array of at most ${MAX_NODES} URL strings` : "baseUrl must be a string");
    }
    if (!Array.isArray(permittedNodeKeys)) throw new IdosError("INVALID_INPUT", "permittedNodeKeys must be an array");
    if (!Number.isSafeInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
      throw new IdosError("INVALID_INPUT", `retries must be an integer in 0..${MAX_RETRIES}`);
    }
    if (!Number.isSafeInteger(minReceipts) || minReceipts < 1 || minReceipts > MAX_NODES) {
      throw new IdosError("INVALID_INPUT", `minReceipts must be an integer in 1..${MAX_NODES}`);
    }
    if (!Number.isSafeInteger(quorumWaitMs) || quorumWaitMs < 0 || quorumWaitMs > MAX_QUORUM_WAIT_MS) {
      throw new IdosError("INVALID_INPUT", `quorumWaitMs must be an integer in 0..${MAX_QUORUM_WAIT_MS}`);
    }
    this.#urls = urls.map((u) => u.replace(/\/+$/, ""));
    this.#idos = idos ?? null;
    this.#fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
    this.#retries = retries;
    this.#minReceipts = minReceipts;
    this.#quorumWaitMs = quorumWaitMs;
    this.#permitted = new Set();
    for (const k of permittedNodeKeys) this.permitNode(k);
  }

  /** The node requests go to first (the one that answered last). */
  get baseUrl() {
    return this.#urls[this.#current];
  }

  /** Every node of this client, in the order they are tried. */
  get baseUrls() {
    return [...this.#urls];
  }

  /** The highest log position this client's writes were receipted at (sent as Idos-Min-Position). */
  get minPosition() {
    return this.#minPosition;
  }

  /**
   * A client for the first of `urls` that answers, trusting the node ids the nodes name
   * themselves (GET /v1/node). Only with the explicit `{trust: "first-use"}`: whoever answers
   * at those URLs the first time is trusted (like SSH's first connection), so use it on a network
   * path you trust, and keep the ids (`client.permittedNodeKeys`) for next time. Nodes that do not
   * answer are skipped; none answering is NODE_UNREACHABLE.
   */
  static async fromNetwork(urls, { trust, idos, fetch: fetchImpl, retries = 0, minReceipts = 1, quorumWaitMs } = {}) {
    const list = typeof urls === "string" ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === "string")) {
      throw new IdosError("INVALID_INPUT", "urls must be a URL or a non-empty array of URLs");
    }
    if (trust !== "first-use") {
      throw new IdosError("INVALID_INPUT",
        'fromNetwork trusts whatever node ids the nodes name: say so with {trust: "first-use"}, or pass permittedNodeKeys to the constructor');
    }
    const answered = [];
    const ids = [];
    const failures = [];
    for (const url of list) {
      const probe = new NodeClient({ baseUrl: url, idos, fetch: fetchImpl });
      try {
        const info = await probe.nodeInfo();
        probe.permitNode(info?.node_id);
        ids.push(info.node_id);
        answered.push(url);
      } catch (e) {
        failures.push(`${url}: ${e.message}`);
      }
    }
    if (answered.length === 0) throw nodeError(0, "NODE_UNREACHABLE", `no node answered: ${failures.join("; ")}`);
    // Every URL stays a node to fail over to (those that answered first); only the ids the nodes
    // named when asked are trusted.
    const order = [...answered, ...list.filter((u) => !answered.includes(u))];
    return new NodeClient({ baseUrls: order, idos, fetch: fetchImpl, permittedNodeKeys: ids, retries, minReceipts, quorumWaitMs });
  }

  async #module() {
    this.#idos ??= await load();
    return this.#idos;
  }

  /** Adds a node key (64 hex digits, either case, with or without 0x; kept lowercase) to the permitted list. */
  permitNode(nodeId) {
    if (typeof nodeId !== "string" || !/^(0x)?[0-9a-fA-F]{64}$/.test(nodeId)) {
      throw new IdosError("INVALID_ENCODING", "a node key is 64 hex digits (the node's node_id)");
    }
    this.#permitted.add(nodeId.replace(/^0x/, "").toLowerCase());
  }

  get permittedNodeKeys() {
    return [...this.#permitted];
  }

  /**
   * The Idos-Signed-Request header value for `signer` calling `method target` with `bodyText`.
   * signer: {type, identifier, publicKey?, sign(message) -> signature text (or a Promise of it)};
   * NEAR signers also give {nearNonce, nearRecipient, nearCallbackUrl?} and sign with NEP-413.
   */
  async signedRequestHeader(signer, method, target, bodyText = "") {
    const idos = await this.#module();
    if (!signer || typeof signer.sign !== "function" || typeof signer.identifier !== "string" || typeof signer.type !== "string") {
      throw new IdosError("INVALID_INPUT", "signer needs type, identifier and sign(message)");
    }
    const fields = {
      // Canonicalised once here (an EIP-55 address becomes lowercase): the core's rule.
      caller_wallet_identifier: idos.canonicalWalletIdentifier(signer.type, signer.identifier),
      method,
      path: target,
      body_sha256: idos.toHex(idos.sha256(bodyText)),
      nonce: idos.toHex(globalThis.crypto.getRandomValues(new Uint8Array(32))),
      issued_at: rfc3339(),
    };
    const signature = await signer.sign(idos.signedRequestMessage(fields));
    const doc = { caller_wallet_type: signer.type, ...fields, signature };
    if (signer.publicKey !== undefined) doc.caller_public_key = signer.publicKey;
    if (signer.type === "NEAR") {
      doc.near_nonce = signer.nearNonce;
      doc.near_recipient = signer.nearRecipient;
      if (signer.nearCallbackUrl !== undefined) doc.near_callback_url = signer.nearCallbackUrl;
    }
    return idos.toBase64(idos.utf8Encode(JSON.stringify(doc)));
  }

  /**
   * One call. body: an object sent as JSON. With `signer` the request is signed. Returns the parsed
   * answer; a refusal throws IdosError with the node's code and `status`; no answer throws
   * NODE_UNREACHABLE.
   */
  async request(method, target, { signer, body } = {}) {
    const bodyText = body === undefined ? "" : JSON.stringify(body);
    const headers = {};
    if (bodyText) headers["content-type"] = "application/json";
    if (signer) headers["idos-signed-request"] = await this.signedRequestHeader(signer, method, target, bodyText);
    // After a write: no node answers from a state older than it (docs/api.md).
    if (this.#minPosition > 0) headers["idos-min-position"] = String(this.#minPosition);
    // Signed once: a resend (only when a node gave no answer, or a 5xx: 502/503/504 from the only
    // node, any 5xx from one of several) carries these exact bytes, the same transaction, never a
    // new one; with several nodes it goes to the next node. Bounded: (retries + 1) rounds of
    // every node.
    const n = this.#urls.length;
    const failures = [];
    let lastFailure = "";
    let res = null;
    let answeredBy = this.#current;
    outer: for (let round = 0; round <= this.#retries; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 200 * round));
      for (let i = 0; i < n; i++) {
        const at = (this.#current + i) % n;
        const url = this.#urls[at];
        let failure = null;
        let r = null;
        try {
          r = await this.#fetch(url + target, { method, headers, body: bodyText || undefined, cache: "no-store" });
          if (r.status === 502 || r.status === 503 || r.status === 504 || (n > 1 && r.status >= 500)) failure = `HTTP ${r.status}`;
        } catch (e) {
          failure = e.message;
        }
        if (failure === null) {
          res = r;
          answeredBy = at;
          break outer;
        }
        failures.push(`${url || "this origin"}: ${failure}`);
        lastFailure = failure;
        const last = round === this.#retries && i === n - 1;
        if (last) {
          res = r;
          answeredBy = at;
          break outer;
        }
        if (r) await r.arrayBuffer().catch(() => {});
      }
    }
    if (res === null) {
      throw nodeError(0, "NODE_UNREACHABLE", n === 1
        ? `the node at ${this.#urls[0] || "this origin"} did not answer: ${lastFailure}`
        : `no node answered: ${failures.slice(-n).join("; ")}`);
    }
    this.#current = answeredBy;
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = null;
    }
    if (!res.ok) {
      if (json && typeof json.code === "string") {
        const e = nodeError(res.status, json.code, json.message ?? "");
        if (res.status === 429) {
          const seconds = retryAfterSeconds(res.headers.get("retry-after"));
          if (seconds !== undefined) e.retryAfter = seconds;
        }
        throw e;
      }
      if (res.status === 502 || res.status === 503 || res.status === 504) {
        throw nodeError(res.status, "NODE_UNREACHABLE", `HTTP ${res.status} from the node or a proxy`);
      }
      throw nodeError(res.status, "INTERNAL", `HTTP ${res.status} without an error body`);
    }
    if (json === null) throw nodeError(res.status, "INTERNAL", "the node's answer is not JSON");
    return json;
  }

  /** true when `receipt` is signed by a permitted node key (and, if given, names expectedSha256); else throws. */
  async verifyReceipt(receipt, options = {}) {
    return verifyReceipt(await this.#module(), receipt, [...this.#permitted], options);
  }

  // A write. Refused before anything is sent when no node key is permitted (the receipts could not
  // be checked). Then every receipt must verify and be about this write: `operation` is the
  // write_operation each receipt must name; `expect(answer)` gives the objects the write must have
  // stored (Map object id -> the SHA-256 its receipt must name, or null when only the id is known
  // beforehand). A receipt for any other object, or a missing one, is VERIFY_FAILED (status 200).
  async #write(method, target, signer, body, operation, expect = () => new Map()) {
    if (this.#permitted.size === 0) {
      throw new IdosError("INVALID_INPUT",
        "this client trusts no node key, so it cannot check the receipts of a write: pass permittedNodeKeys " +
        "(the node's node_id, from its operator or from GET /v1/node over a path you trust), call permitNode(id), " +
        'or use NodeClient.fromNetwork(urls, {trust: "first-use"})');
    }
    if (this.#minReceipts > this.#permitted.size || this.#minReceipts > this.#urls.length) {
      throw new IdosError("INVALID_INPUT",
        `minReceipts ${this.#minReceipts} needs at least as many permitted node keys (${this.#permitted.size}) and nodes (${this.#urls.length})`);
    }
    const answer = await this.request(method, target, { signer, body });
    const receipts = Array.isArray(answer.receipts) ? answer.receipts : [];
    if (receipts.length === 0) throw nodeError(200, "VERIFY_FAILED", "the node answered a write without receipts");
    let expected;
    try {
      expected = await expect(answer);
    } catch (e) {
      throw nodeError(200, "VERIFY_FAILED", `the node's answer does not match the write: ${e.message}`);
    }
    for (const r of receipts) {
      if (r?.write_operation !== operation) {
        throw nodeError(200, "VERIFY_FAILED", `a receipt names the operation ${r?.write_operation}, not ${operation}`);
      }
      if (expected.size > 0 && !expected.has(r?.object_id)) {
        throw nodeError(200, "VERIFY_FAILED", `a receipt names ${r?.object_id}, which this write did not store`);
      }
      try {
        await this.verifyReceipt(r, { expectedSha256: expected.get(r?.object_id) ?? undefined });
      } catch (e) {
        // Whatever is wrong with a receipt (signer, signature, malformed fields), the write is unproven.
        throw nodeError(200, "VERIFY_FAILED", `receipt for ${r?.object_id} does not verify: ${e.message}`);
      }
    }
    for (const id of expected.keys()) {
      if (!receipts.some((r) => r?.object_id === id)) {
        throw nodeError(200, "VERIFY_FAILED", `the node answered without a receipt for ${id}`);
      }
    }
    // One write, one log position: every receipt names the same.
    const position = receipts[0].log_position;
    if (!receipts.every((r) => r.log_position === position)) {
      throw nodeError(200, "VERIFY_FAILED", "the receipts of one write name different log positions");
    }
    if (position > this.#minPosition) this.#minPosition = position;
    if (this.#minReceipts > 1) {
      const quorum = await this.#quorum(position);
      answer.logEntries = quorum.entries;
      answer.quorum = { position, stateHash: quorum.stateHash, nodes: quorum.count };
    }
    return answer;
  }

  // The signed log entries (GET /v1/log/{position}) of every node of this client, until
  // minReceipts distinct permitted node ids signed an OK entry with one state hash at `position`,
  // within quorumWaitMs. Each entry is checked by the core (verifyLogEntry); an entry of a node
  // key not permitted, at another position or badly signed does not count. Two state hashes at
  // one position: the nodes diverged, VERIFY_FAILED. Not enough entries in time: UNAVAILABLE
  // (status 200: the write was applied by the node that answered), with the entries seen.
  async #quorum(position) {
    const idos = await this.#module();
    const permitted = [...this.#permitted];
    const entries = new Map();   // node_id -> verified entry
    const refused = new Map();   // url -> why its last answer did not count
    const done = new Set();      // urls whose entry counts
    const deadline = Date.now() + this.#quorumWaitMs;
    const hashes = () => new Set([...entries.values()].map((e) => e.state_hash));
    const maxRounds = Math.ceil(this.#quorumWaitMs / 250) + 1;
    for (let round = 0; round < maxRounds; round++) {
      const pending = this.#urls.filter((u) => !done.has(u));
      await Promise.all(pending.map(async (url) => {
        try {
          const left = Math.max(1, deadline - Date.now());
          const r = await this.#fetch(`${url}/v1/log/${position}`, {
            method: "GET", headers: { "idos-min-position": String(position) }, cache: "no-store",
            signal: AbortSignal.timeout(Math.min(left, 5000)),
          });
          const text = await r.text();
          if (r.status !== 200) {
            refused.set(url, `HTTP ${r.status}`);
            return;
          }
          const entry = JSON.parse(text);
          verifyLogEntry(idos, entry, permitted, { expectedPosition: position });
          if (entry.result !== "OK") throw new IdosError("VERIFY_FAILED", `the entry's result is ${entry.result}, not OK`);
          entries.set(entry.node_id, entry);
          done.add(url);
        } catch (e) {
          refused.set(url, e.message);
        }
      }));
      if (hashes().size > 1) {
        const e = nodeError(200, "VERIFY_FAILED", `the nodes signed different state hashes at position ${position}: they diverged`);
        e.logEntries = [...entries.values()];
        throw e;
      }
      if (entries.size >= this.#minReceipts || Date.now() >= deadline || done.size === this.#urls.length) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
    if (entries.size < this.#minReceipts) {
      const why = [...refused].filter(([u]) => !done.has(u)).map(([u, m]) => `${u || "this origin"}: ${m}`).join("; ");
      const e = nodeError(200, "UNAVAILABLE",
        `${entries.size} of ${this.#minReceipts} permitted nodes signed position ${position} in ${this.#quorumWaitMs} ms${why ? ` (${why})` : ""}`);
      e.logEntries = [...entries.values()];
      e.position = position;
      throw e;
    }
    const all = [...entries.values()];
    return { entries: all, stateHash: all[0].state_hash, count: all.length };
  }

  // Hex SHA-256 of the RFC 8785 canonical JSON of `value`: what a receipt's sha256 names.
  async #digest(value) {
    const idos = await this.#module();
    return idos.toHex(idos.sha256(idos.canonicalizeJson(value)));
  }

  // A wallet identifier in any spelling its wallet gives, canonical (the core's rule; type
  // inferred from the shape when not given).
  async #canonicalWallet(identifier, what, type = "") {
    if (typeof identifier !== "string") throw new IdosError("INVALID_INPUT", `${what} must be a wallet identifier (a string)`);
    return (await this.#module()).canonicalWalletIdentifier(type, identifier);
  }

  // An X25519 public key as bytes (32) or base64 (either alphabet): the node's base64 form.
  async #publicKeyBase64(key, what) {
    const idos = await this.#module();
    let bytes;
    if (typeof key === "string") {
      try {
        bytes = idos.fromBase64(key);
      } catch (e) {
        throw new IdosError(e.code ?? "INVALID_ENCODING", `${what}: ${e.message}`);
      }
    } else if (key instanceof Uint8Array) {
      bytes = key;
    } else {
      throw new IdosError("INVALID_INPUT", `${what} must be a Uint8Array (32 bytes) or base64`);
    }
    if (bytes.length !== 32) throw new IdosError("INVALID_LENGTH", `${what} must be 32 bytes (an X25519 public key), not ${bytes.length}`);
    return idos.toBase64(bytes);
  }

  // --- typed calls (docs/api.md) ---
  health() { return this.request("GET", "/health"); }
  nodeInfo() { return this.request("GET", "/v1/node"); }
  /** Query members in camelCase (dataId, includeRevoked) or as on the wire; grantee in any spelling. */
  async publicGrants(query = {}) {
    if (!query || typeof query !== "object") throw new IdosError("INVALID_INPUT", "query must be an object");
    const wire = {};
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null) continue;
      const key = { dataId: "data_id", includeRevoked: "include_revoked", includeDeleted: "include_deleted" }[k] ?? k;
      wire[key] = key === "grantee" ? await this.#canonicalWallet(v, "grantee") : String(v);
    }
    const s = new URLSearchParams(Object.entries(wire)).toString();
    return this.request("GET", `/v1/public/grants${s ? `?${s}` : ""}`);
  }
  /**
   * The encryption public key (32 bytes) of the user a wallet is registered to, from the node's
   * public directory: what `makeSharedCopy` needs to share with that wallet.
   */
  async encryptionKeyOf(wallet) {
    const identifier = await this.#canonicalWallet(wallet, "wallet");
    const answer = await this.request("GET", `/v1/public/wallets/${encodeURIComponent(identifier)}/encryption-key`);
    const idos = await this.#module();
    let publicKey;
    try {
      publicKey = idos.fromBase64(answer.encryption_public_key);
    } catch (e) {
      throw nodeError(200, "INVALID_ENCODING", `the node's encryption_public_key: ${e.message}`);
    }
    if (publicKey.length !== 32 || answer.wallet_identifier !== identifier) {
      throw nodeError(200, "MISMATCH", "the node answered for another wallet or with a key that is not 32 bytes");
    }
    return { publicKey, userId: answer.user_id, walletType: answer.wallet_type, walletIdentifier: answer.wallet_identifier };
  }
  /** encryptionPublicKey: 32 bytes (or base64, either alphabet), checked before anything is sent. */
  async createUser(signer, { userId, encryptionPublicKey } = {}) {
    const body = {};
    if (userId !== undefined) body.user_id = userId;
    if (encryptionPublicKey !== undefined) {
      body.encryption_public_key = await this.#publicKeyBase64(encryptionPublicKey, "encryptionPublicKey");
    }
    return this.#write("POST", "/v1/users", signer, body, "create_user", async (answer) => {
      const id = userId ?? answer?.user?.id;
      if (typeof id !== "string") throw new Error("no user id");
      const stored = { id, encryption_public_key: body.encryption_public_key ?? answer?.user?.encryption_public_key };
      if (body.encryption_public_key === undefined) return new Map([[id, null]]);
      return new Map([[id, await this.#digest(stored)]]);
    });
  }
  me(signer) { return this.request("GET", "/v1/users/me", { signer }); }
  /**
   * Adds a wallet to the caller's user. `wallet`: the new wallet's signer (e.g. from signerFrom):
   * the client builds the add-wallet proof (the caller's user id from /v1/users/me, the canonical
   * identifier, the time) and has the new wallet sign it. Or an AddWalletBody already signed.
   */
  async addWallet(signer, wallet) {
    let body = wallet;
    if (wallet && typeof wallet.sign === "function" && typeof wallet.identifier === "string") {
      const idos = await this.#module();
      const { user } = await this.me(signer);
      const proof = {
        user_id: user.id,
        wallet_type: wallet.type,
        wallet_identifier: idos.canonicalWalletIdentifier(wallet.type, wallet.identifier),
        issued_at: rfc3339(),
      };
      if (wallet.publicKey !== undefined) proof.wallet_public_key = wallet.publicKey;
      if (wallet.type === "NEAR") {
        proof.near_nonce = wallet.nearNonce;
        proof.near_recipient = wallet.nearRecipient;
      }
      const signature = await wallet.sign(idos.signedMessage("add_wallet", proof));
      const { user_id: _, ...rest } = proof;
      body = { ...rest, signature };
    }
    return this.#write("POST", "/v1/users/me/wallets", signer, body, "add_wallet", async (answer) => {
      const identifier = await this.#canonicalWallet(body?.wallet_identifier, "wallet_identifier", body?.wallet_type ?? "");
      const userId = answer?.wallet?.user_id;
      if (typeof userId !== "string") throw new Error("no user id");
      return new Map([[identifier, await this.#digest({ wallet_type: body.wallet_type, wallet_identifier: identifier, user_id: userId })]]);
    });
  }
  /**
   * Stores the caller's own credential. The receipt must name the SHA-256 of the RFC 8785 canonical
   * JSON of `credential` as sent (what the node stores, docs/api.md "Receipts"): VERIFY_FAILED
   * otherwise.
   */
  async putCredential(signer, credential) {
    if (!credential || typeof credential !== "object" || Array.isArray(credential) || typeof credential.id !== "string") {
      throw new IdosError("INVALID_INPUT", "credential must be a credential document (an object with an id)");
    }
    const sent = await this.#digest(credential);
    return this.#write("POST", "/v1/credentials", signer, { credential }, "put_credential", () => new Map([[credential.id, sent]]));
  }
  /** Body members in camelCase (dwg, credential, sharedCopy, contentHash) or as on the wire. */
  async writeByDwg(signer, body) {
    const wire = wireBody(body, ["dwg", "credential", "shared_copy", "content_hash"]);
    const idos = await this.#module();
    const copy = wire.shared_copy;
    const grant = idos.deriveAccessGrant("delegated_write_grant",
      { dwg: wire.dwg, owner: copy?.user_id, data_id: copy?.id, content_hash: wire.content_hash });
    const expected = new Map([[wire.credential?.id, await this.#digest(wire.credential)], [copy?.id, await this.#digest(copy)],
      [grant.id, await this.#digest(grant)]]);
    return this.#write("POST", "/v1/credentials/dwg", signer, wire, "write_by_dwg", () => expected);
  }
  listCredentials(signer) { return this.request("GET", "/v1/credentials", { signer }); }
  getCredential(signer, id) { return this.request("GET", `/v1/credentials/${encodeURIComponent(id)}`, { signer }); }
  /**
   * Shares a copy with a wallet: {sharedCopy, originalId, grantee, lockedUntil, contentHash}
   * (camelCase; the snake_case wire names are still accepted). grantee in any spelling its wallet
   * gives; originalId: the caller's original credential the copy was made from (required: deleting
   * the original deletes the copy, and readers of the copy see the original's issuer status).
   */
  async share(signer, body) {
    const wire = wireBody(body, ["shared_copy", "original_id", "grantee", "locked_until", "content_hash"]);
    if (typeof wire.original_id !== "string") throw new IdosError("INVALID_INPUT", "originalId must be the id of the original credential");
    wire.grantee = await this.#canonicalWallet(wire.grantee, "grantee");
    const idos = await this.#module();
    const copy = wire.shared_copy;
    if (!copy || typeof copy !== "object" || typeof copy.id !== "string" || typeof copy.user_id !== "string") {
      throw new IdosError("INVALID_INPUT", "sharedCopy must be a credential document (makeSharedCopy(...).credential)");
    }
    const grant = idos.deriveAccessGrant("share", {
      owner: copy.user_id, grantee: wire.grantee, data_id: copy.id, locked_until: wire.locked_until,
      content_hash: wire.content_hash, inserter_type: "user", inserter_id: copy.user_id,
    });
    const expected = new Map([[copy.id, await this.#digest(copy)], [grant.id, await this.#digest(grant)]]);
    return this.#write("POST", "/v1/shares", signer, wire, "share", () => expected);
  }
  /**
   * The grantee reads a shared copy: {credential, meta, grant, status}. `status` is the issuer's
   * current status of the copy's original, checked here (the issuer's signature, by the module):
   * {status: "active" | "suspended" | "revoked", set, reason, sequence, issuedAt, issuer, vcId,
   * setAt, logPosition, document}; `set: false` (status "active") when the issuer set none.
   * A status whose signature does not verify is VERIFY_FAILED.
   */
  async readShared(signer, dataId) {
    const answer = await this.request("GET", `/v1/shared/${encodeURIComponent(dataId)}`, { signer });
    answer.status = await this.#statusOf(answer.status);
    return answer;
  }
  /**
   * The public status an issuer set on a verifiable credential (by the issuer's key, hex, and the
   * VC id), checked as in readShared: {status, set, reason, sequence, issuedAt, issuer, vcId, setAt,
   * logPosition, document}.
   */
  async credentialStatus(issuerPublicKey, vcId) {
    if (typeof issuerPublicKey !== "string" || typeof vcId !== "string") {
      throw new IdosError("INVALID_INPUT", "issuerPublicKey and vcId must be strings");
    }
    const query = `issuer_auth_public_key=${encodeURIComponent(issuerPublicKey)}&vc_id=${encodeURIComponent(vcId)}`;
    const answer = await this.request("GET", `/v1/public/credential-status?${query}`);
    return this.#statusOf(answer.status, { issuer: issuerPublicKey, vcId });
  }
  async #statusOf(view, expected = {}) {
    if (view === null || view === undefined) {
      return { status: "active", set: false, reason: "", sequence: 0, issuedAt: null, issuer: expected.issuer ?? null,
        vcId: expected.vcId ?? null, setAt: null, logPosition: null, document: null };
    }
    const idos = await this.#module();
    let checked;
    try {
      checked = idos.verifyCredentialStatus(view.document, expected);
    } catch (e) {
      throw nodeError(200, "VERIFY_FAILED", `the credential status does not verify: ${e.message}`);
    }
    return { ...checked, set: true, setAt: view.set_at, logPosition: view.log_position, document: view.document };
  }
  /**
   * The issuer sets a VC's status: `statusDocument` from the module's signCredentialStatus(...).
   * Any signer may submit it (the issuer's signature in the document is what counts).
   */
  async setCredentialStatus(signer, statusDocument) {
    if (!statusDocument || typeof statusDocument !== "object" || typeof statusDocument.vc_id !== "string") {
      throw new IdosError("INVALID_INPUT", "statusDocument must be a signed status (signCredentialStatus(...))");
    }
    const sent = await this.#digest(statusDocument);
    return this.#write("POST", "/v1/credential-status", signer, statusDocument, "set_credential_status",
      () => new Map([[statusDocument.vc_id, sent]]));
  }
  /**
   * The owner deletes a credential: an original with every shared copy made from it, or one copy,
   * and every grant on them. Refused with LOCKED while a grant is in its timelock (the error
   * message says until when). The answer's `deleted` names what went, each with a receipt.
   */
  deleteCredential(signer, credentialId) {
    return this.#write("DELETE", `/v1/credentials/${encodeURIComponent(credentialId)}`, signer, undefined,
      "delete_credential", (answer) => {
        const d = answer?.deleted;
        if (!d || d.credential !== credentialId || !Array.isArray(d.shared_copies) || !Array.isArray(d.grants)) {
          throw new Error("the answer does not name the deleted credential");
        }
        return new Map([[credentialId, null], ...d.shared_copies.map((id) => [id, null]), ...d.grants.map((id) => [id, null])]);
      });
  }
  listGrants(signer, role) { return this.request("GET", `/v1/grants?role=${encodeURIComponent(role)}`, { signer }); }
  async delegatedAccessGrant(signer, dag) {
    const idos = await this.#module();
    const { key: grantId } = idos.replayKey("delegated_access_grant", dag);
    const submitter = idos.canonicalWalletIdentifier(signer?.type ?? "", signer?.identifier ?? "");
    return this.#write("POST", "/v1/grants/dag", signer, { dag }, "delegated_access_grant", async (answer) => {
      // The owner's user id is the node's to name; every other member follows from the DAG sent.
      const grant = idos.deriveAccessGrant("delegated_access_grant", { dag, owner: answer?.grant?.owner, submitter });
      if (grant.id !== grantId) throw new Error("the grant is not the DAG's");
      return new Map([[grantId, await this.#digest(grant)]]);
    });
  }
  revoke(signer, grantId) {
    return this.#write("DELETE", `/v1/grants/${encodeURIComponent(grantId)}`, signer, undefined, "revoke",
      () => new Map([[grantId, null]]));
  }

  // --- the owner's changes (docs/spec/owner-changes.md) ---

  /**
   * Replaces one of the caller's originals (same id) with `credential`, e.g. re-encrypted or with
   * new content, signed under the issuer_auth_public_key it carries. The node refuses a shared copy
   * and another user's record (FORBIDDEN) and an original whose copies hold a grant still in its
   * timelock (LOCKED). The receipt names the SHA-256 of the canonical JSON of `credential`.
   */
  async editCredential(signer, credential) {
    if (!credential || typeof credential !== "object" || Array.isArray(credential) || typeof credential.id !== "string") {
      throw new IdosError("INVALID_INPUT", "credential must be a credential document (an object with an id)");
    }
    const sent = await this.#digest(credential);
    return this.#write("PUT", `/v1/credentials/${encodeURIComponent(credential.id)}`, signer, { credential },
      "edit_credential", () => new Map([[credential.id, sent]]));
  }

  /**
   * Removes another wallet of the caller's user (`wallet`: its identifier in any spelling its
   * wallet gives). The calling wallet cannot remove itself, and the user's last wallet stays.
   */
  async removeWallet(signer, wallet) {
    const identifier = await this.#canonicalWallet(wallet, "wallet");
    return this.#write("DELETE", `/v1/users/me/wallets/${encodeURIComponent(identifier)}`, signer, undefined,
      "remove_wallet", async (answer) => {
        const removed = answer?.wallet;
        if (removed?.wallet_identifier !== identifier || typeof removed?.user_id !== "string") {
          throw new Error("the node answered for another wallet");
        }
        return new Map([[identifier, await this.#digest({ wallet_type: removed.wallet_type, wallet_identifier: identifier,
          user_id: removed.user_id })]]);
      });
  }

  /**
   * Changes the user's encryption key: every original is fetched, decrypted with the current key,
   * re-encrypted to the new key and signed, then all of them and the new public key go to the node
   * in ONE write (all or nothing; grantees' copies are untouched). Keys: `currentKeyPair` and
   * `newKeyPair` (EncryptionKeyPair, the caller keeps ownership), or `currentPassword` and
   * `newPassword` (derived here from the user id, idOS's derivation; `salt` as in
   * deriveEncryptionKeyPair). `issuer`: the Ed25519 key pair that signs the new records; by
   * default a fresh key pair, destroyed after signing (an issuer's record signature cannot be
   * re-made by the user: docs/spec/owner-changes.md). Refused with TOO_LARGE before anything is
   * sent when the request would exceed the node's max_body.
   */
  async changeEncryptionKey(signer, { currentKeyPair, newKeyPair, currentPassword, newPassword, salt, issuer } = {}) {
    const idos = await this.#module();
    const { user } = await this.me(signer);
    const owned = [];  // key objects made here, disposed at the end
    const derive = async (pair, password, what) => {
      if (pair !== undefined && password !== undefined) throw new IdosError("INVALID_INPUT", `pass ${what}KeyPair or ${what}Password, not both`);
      if (pair !== undefined) return pair;
      if (password === undefined) throw new IdosError("INVALID_INPUT", `${what}KeyPair or ${what}Password is required`);
      const k = await idos.deriveEncryptionKeyPairAsync(password, user.id, salt === undefined ? {} : { salt });
      owned.push(k);
      return k;
    };
    try {
      const current = await derive(currentKeyPair, currentPassword, "current");
      const next = await derive(newKeyPair, newPassword, "new");
      if (user.encryption_public_key && idos.toBase64(current.publicKey) !== user.encryption_public_key) {
        throw new IdosError("MISMATCH", "the current key is not the user's registered encryption key");
      }
      let signingKey = issuer;
      if (signingKey === undefined) {
        signingKey = idos.generateEd25519KeyPair();
        owned.push(signingKey);
      }
      const { credentials: list } = await this.listCredentials(signer);
      const records = [];
      for (const meta of list.filter((c) => c.role === "original")) {
        const { credential } = await this.getCredential(signer, meta.id);
        const plaintext = idos.decrypt(credential.content, idos.fromBase64(credential.encryptor_public_key), current);
        try {
          records.push(idos.buildCredential({ id: credential.id, userId: credential.user_id,
            publicNotes: credential.public_notes, plaintext, recipientPublicKey: next.publicKey, issuer: signingKey }));
        } finally {
          plaintext.fill(0);
        }
      }
      const body = { encryption_public_key: idos.toBase64(next.publicKey), credentials: records };
      const size = new TextEncoder().encode(JSON.stringify(body)).length;
      const { max_body: maxBody } = await this.nodeInfo();
      if (Number.isInteger(maxBody) && size > maxBody) {
        throw new IdosError("TOO_LARGE",
          `the key change is ${size} bytes, over the node's max_body of ${maxBody}: delete credentials first (docs/api.md)`);
      }
      const expected = new Map([[user.id, await this.#digest({ id: user.id, encryption_public_key: body.encryption_public_key })]]);
      for (const r of records) expected.set(r.id, await this.#digest(r));
      return await this.#write("PUT", "/v1/users/me/encryption-key", signer, body, "change_encryption_key", () => expected);
    } finally {
      for (const k of owned) k.dispose();
    }
  }
}

// A request body from camelCase members (sharedCopy, lockedUntil, contentHash) or the wire's
// snake_case ones (the earlier spelling, still accepted); both for one member is refused.
function wireBody(body, wireNames) {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new IdosError("INVALID_INPUT", "body must be an object");
  const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const out = {};
  const known = new Set();
  for (const name of wireNames) {
    const c = camel(name);
    known.add(name).add(c);
    if (c !== name && body[c] !== undefined && body[name] !== undefined) {
      throw new IdosError("INVALID_INPUT", `body has both ${c} and ${name}`);
    }
    const v = body[c] !== undefined ? body[c] : body[name];
    if (v !== undefined) out[name] = v;
  }
  for (const k of Object.keys(body)) if (!known.has(k)) throw new IdosError("INVALID_INPUT", `unknown body member ${k}`);
  return out;
}
