// The storage node's HTTP API (docs/api.md) through the npm package's client (idos-core/client),
// reached via the demo server's same-origin proxy. This wrapper only adapts the package to the
// page: role wallets become EVM request signers, and the node's refusals become NodeError so the
// page can tell them from local errors.
import { NodeClient as PackageNodeClient, rfc3339, verifyReceipt } from "idos-core/client";
import { NodeError } from "./errors.js";

/** Strict RFC 3339 UTC without fractions: "2026-01-01T00:00:00Z". */
export const isoSeconds = rfc3339;

export class NodeClient {
  /**
   * One node (same origin), or with `cluster` (the cluster demo's /demo-config.json: nodes
   * [{name, node_id, base}]) every node of the network: requests fail over from one to the next
   * (the package's baseUrls), and receipts are trusted from the permitted node ids it names.
   */
  constructor(idos, { cluster = null } = {}) {
    this.idos = idos;
    this.nodeId = null; // from /health: the key every receipt must be signed with
    this.cluster = cluster;
    // The highest log position of this page's writes: sent as Idos-Min-Position so no node answers
    // a read from a state older than a write the page made (docs/api.md).
    this.minPosition = 0;
    if (cluster) {
      this.permitted = cluster.nodes.map((n) => n.node_id);
      this.client = new PackageNodeClient({
        baseUrls: cluster.nodes.map((n) => n.base), idos, permittedNodeKeys: this.permitted,
        fetch: (url, init = {}) => globalThis.fetch(url, this.#withMinPosition(init)),
      });
    } else {
      this.permitted = null;
      this.client = new PackageNodeClient({ baseUrl: "", idos });
    }
  }

  #withMinPosition(init) {
    if (this.minPosition <= 0) return init;
    const headers = new Headers(init.headers ?? {});
    if (!headers.has("idos-min-position")) headers.set("idos-min-position", String(this.minPosition));
    return { ...init, headers };
  }

  /** The node that answered last (cluster mode: the page's requests go there first). */
  get currentBase() {
    return this.client.baseUrl;
  }

  async health() {
    const h = await this.call("GET", "/health");
    this.nodeId = h.node_id;
    return h;
  }

  /** One call; `signer` (a role wallet: {address, sign}) for authenticated endpoints. */
  async call(method, path, { signer, body } = {}) {
    const requestSigner = signer && { type: "EVM", identifier: signer.address, sign: signer.sign };
    try {
      const answer = await this.client.request(method, path, { signer: requestSigner, body });
      for (const r of answer?.receipts ?? []) {
        if (Number.isSafeInteger(r?.log_position) && r.log_position > this.minPosition) this.minPosition = r.log_position;
      }
      return answer;
    } catch (e) {
      if (e?.status !== undefined) throw new NodeError(e.status, e.code, e.message);
      throw e;
    }
  }

  /**
   * A typed method of the package's client (editCredential, removeWallet, addWallet, me,
   * setCredentialStatus, credentialStatus, readShared): `signer` a role wallet (or null for a public
   * read). Writes are checked by the package (every receipt signed by a permitted node and about
   * this write): in cluster mode by the cluster's node ids, otherwise by the node id from /health.
   */
  async typed(method, signer, ...args) {
    const client = this.cluster ? this.client
      : new PackageNodeClient({ baseUrl: "", idos: this.idos, permittedNodeKeys: this.nodeId ? [this.nodeId] : [] });
    const requestSigner = signer && { type: "EVM", identifier: signer.address, sign: signer.sign };
    try {
      // A method name, or the package client's method itself (see addWalletOf).
      const fn = typeof method === "function" ? method : client[method];
      const answer = await (signer ? fn.call(client, requestSigner, ...args) : fn.call(client, ...args));
      for (const r of answer?.receipts ?? []) {
        if (Number.isSafeInteger(r?.log_position) && r.log_position > this.minPosition) this.minPosition = r.log_position;
      }
      return answer;
    } catch (e) {
      if (e?.status !== undefined) throw new NodeError(e.status, e.code, e.message);
      throw e;
    }
  }

  /**
   * For display: whether the receipt is signed by the node we talk to (node id from /health; in
   * cluster mode by one of the permitted nodes of /demo-config.json). The
   * package's verifyReceipt throws when it does not (VERIFY_FAILED, or a malformed receipt's
   * code); the page only shows ✓ or ✗, so any refusal is ✗ here.
   */
  /**
   * The package's addWallet (`newWallet` proves it is the user's), by reference rather than by
   * name: the name is also the add-wallet message's operation, whose template lives in the core
   * alone (scripts/test.d/layers.sh checks that no other product file spells it).
   */
  async addWalletOf(signer, newWallet) {
    return this.typed(PackageNodeClient.prototype.addWallet, signer, newWallet);
  }

  /**
   * The package's changeEncryptionKey (re-encrypt every original, one write), through the same
   * client as the other typed methods (the cluster's in cluster mode).
   */
  async changeEncryptionKey(signer, options) {
    return this.typed("changeEncryptionKey", signer, options);
  }

  receiptVerifies(r) {
    const keys = this.permitted ?? (this.nodeId === null ? null : [this.nodeId]);
    if (keys === null) return false;
    try {
      return verifyReceipt(this.idos, r, keys);
    } catch {
      return false;
    }
  }
}
