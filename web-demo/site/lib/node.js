// The storage node's HTTP API (docs/api.md), reached through the demo server's same-origin proxy.
// Authenticated calls carry a signed request (docs/spec/requests.md): the caller's wallet signs
// method, path, SHA-256 of the body, a fresh nonce and the time; the header is base64 of the JSON.
import { NodeError } from "./errors.js";

/** Strict RFC 3339 UTC without fractions: "2026-01-01T00:00:00Z". */
export function isoSeconds(date = new Date()) {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

export class NodeClient {
  constructor(idos) {
    this.idos = idos;
    this.nodeId = null; // from /health: the key every receipt must be signed with
  }

  async health() {
    const h = await this.#send("GET", "/health");
    this.nodeId = h.node_id;
    return h;
  }

  /** Builds the Idos-Signed-Request header for `signer` ({address, sign(message)}). */
  async signedHeader(signer, method, path, bodyText) {
    const { idos } = this;
    const fields = {
      caller_wallet_identifier: signer.address,
      method,
      path,
      body_sha256: idos.toHex(idos.sha256(bodyText)),
      nonce: idos.toHex(crypto.getRandomValues(new Uint8Array(32))),
      issued_at: isoSeconds(),
    };
    const signature = await signer.sign(idos.signedRequestMessage(fields));
    const doc = { caller_wallet_type: "EVM", ...fields, signature };
    return idos.toBase64(idos.utf8Encode(JSON.stringify(doc)));
  }

  /** One call; `signer` for authenticated endpoints. Throws NodeError with the node's code. */
  async call(method, path, { signer, body } = {}) {
    return this.#send(method, path, signer, body);
  }

  async #send(method, path, signer, body) {
    const bodyText = body === undefined ? "" : JSON.stringify(body);
    const headers = {};
    if (signer) headers["Idos-Signed-Request"] = await this.signedHeader(signer, method, path, bodyText);
    if (bodyText) headers["content-type"] = "application/json";
    let res;
    try {
      res = await fetch(path, { method, headers, body: bodyText || undefined, cache: "no-store" });
    } catch (e) {
      throw new NodeError(0, "NODE_UNREACHABLE", e.message);
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = null;
    }
    if (!res.ok) {
      if (json && typeof json.code === "string") throw new NodeError(res.status, json.code, json.message ?? "");
      if (res.status === 502 || res.status === 504) throw new NodeError(res.status, "NODE_UNREACHABLE", "no answer");
      throw new NodeError(res.status, "INTERNAL", `HTTP ${res.status}`);
    }
    if (json === null) throw new NodeError(res.status, "INTERNAL", "the node's answer is not JSON");
    return json;
  }

  /** The exact text the node signs for a receipt (docs/api.md). */
  static receiptMessage(r) {
    return `operation: nodeReceipt\nnode_id: ${r.node_id}\nwrite_operation: ${r.write_operation}\nobject_id: ${r.object_id}` +
      `\nsha256: ${r.sha256}\nlog_position: ${r.log_position}\ntime: ${r.time}`;
  }

  /** true when the receipt is signed by the node we talk to (node id from /health). */
  verifyReceipt(r) {
    const { idos } = this;
    try {
      if (!this.nodeId || r.node_id !== this.nodeId) return false;
      return idos.ed25519Verify(NodeClient.receiptMessage(r), idos.fromHex(r.signature), idos.fromHex(r.node_id));
    } catch {
      return false;
    }
  }
}
