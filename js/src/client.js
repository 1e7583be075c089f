// A client for the storage node's HTTP API (docs/api.md): signed requests, typed calls, errors as
// IdosError, and verification of the node's signed receipts against the permitted node keys.
// The network is permissioned: a write whose receipts are not all signed by a permitted node key
// is reported as VERIFY_FAILED, never as success.
import { IdosError, load } from "./index.js";

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

  /**
   * baseUrl: the node ("http://127.0.0.1:8787", or "" for same-origin paths).
   * permittedNodeKeys: hex Ed25519 node ids whose receipts are trusted.
   */
  constructor({ baseUrl = "", idos, permittedNodeKeys = [], fetch: fetchImpl } = {}) {
    if (typeof baseUrl !== "string") throw new IdosError("INVALID_INPUT", "baseUrl must be a string");
    if (!Array.isArray(permittedNodeKeys)) throw new IdosError("INVALID_INPUT", "permittedNodeKeys must be an array");
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#idos = idos ?? null;
    this.#fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
    this.#permitted = new Set();
    for (const k of permittedNodeKeys) this.permitNode(k);
  }

  async #module() {
    this.#idos ??= await load();
    return this.#idos;
  }

  /** Adds a node key (64 lowercase hex) to the permitted list. */
  permitNode(nodeId) {
    if (typeof nodeId !== "string" || !/^[0-9a-f]{64}$/.test(nodeId)) {
      throw new IdosError("INVALID_ENCODING", "a node key is 64 lowercase hex digits");
    }
    this.#permitted.add(nodeId);
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
      caller_wallet_identifier: signer.identifier,
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
    let res;
    try {
      res = await this.#fetch(this.baseUrl + target, { method, headers, body: bodyText || undefined, cache: "no-store" });
    } catch (e) {
      throw nodeError(0, "NODE_UNREACHABLE", `the node at ${this.baseUrl || "this origin"} did not answer: ${e.message}`);
    }
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

  // A write: every receipt must verify, or the call fails with VERIFY_FAILED. `expected` maps an
  // object id to the SHA-256 (hex) its receipt must name: the hash of what this call sent.
  async #write(method, target, signer, body, expected = new Map()) {
    const answer = await this.request(method, target, { signer, body });
    const receipts = Array.isArray(answer.receipts) ? answer.receipts : [];
    if (receipts.length === 0) throw nodeError(200, "VERIFY_FAILED", "the node answered a write without receipts");
    for (const r of receipts) {
      try {
        await this.verifyReceipt(r, { expectedSha256: expected.get(r?.object_id) });
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
    return answer;
  }

  // --- typed calls (docs/api.md) ---
  health() { return this.request("GET", "/health"); }
  nodeInfo() { return this.request("GET", "/v1/node"); }
  publicGrants(query = {}) {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
    const s = q.toString();
    return this.request("GET", `/v1/public/grants${s ? `?${s}` : ""}`);
  }
  createUser(signer, { userId, encryptionPublicKey } = {}) {
    const body = {};
    if (userId !== undefined) body.user_id = userId;
    if (encryptionPublicKey !== undefined) body.encryption_public_key = encryptionPublicKey;
    return this.#write("POST", "/v1/users", signer, body);
  }
  me(signer) { return this.request("GET", "/v1/users/me", { signer }); }
  addWallet(signer, body) { return this.#write("POST", "/v1/users/me/wallets", signer, body); }
  /**
   * Stores the caller's own credential. The receipt must name the SHA-256 of the RFC 8785 canonical
   * JSON of `credential` as sent (what the node stores, docs/api.md "Receipts"): VERIFY_FAILED
   * otherwise.
   */
  async putCredential(signer, credential) {
    if (!credential || typeof credential !== "object" || Array.isArray(credential) || typeof credential.id !== "string") {
      throw new IdosError("INVALID_INPUT", "credential must be a credential document (an object with an id)");
    }
    const idos = await this.#module();
    const sent = idos.toHex(idos.sha256(idos.canonicalizeJson(credential)));
    return this.#write("POST", "/v1/credentials", signer, { credential }, new Map([[credential.id, sent]]));
  }
  writeByDwg(signer, body) { return this.#write("POST", "/v1/credentials/dwg", signer, body); }
  listCredentials(signer) { return this.request("GET", "/v1/credentials", { signer }); }
  getCredential(signer, id) { return this.request("GET", `/v1/credentials/${encodeURIComponent(id)}`, { signer }); }
  share(signer, body) { return this.#write("POST", "/v1/shares", signer, body); }
  readShared(signer, dataId) { return this.request("GET", `/v1/shared/${encodeURIComponent(dataId)}`, { signer }); }
  listGrants(signer, role) { return this.request("GET", `/v1/grants?role=${encodeURIComponent(role)}`, { signer }); }
  delegatedAccessGrant(signer, dag) { return this.#write("POST", "/v1/grants/dag", signer, { dag }); }
  revoke(signer, grantId) { return this.#write("DELETE", `/v1/grants/${encodeURIComponent(grantId)}`, signer); }
}
