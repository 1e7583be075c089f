// The storage node's HTTP API (docs/api.md) through the npm package's client (idos-core/client),
// reached via the demo server's same-origin proxy. This wrapper only adapts the package to the
// page: role wallets become EVM request signers, and the node's refusals become NodeError so the
// page can tell them from local errors.
import { NodeClient as PackageNodeClient, rfc3339, verifyReceipt } from "idos-core/client";
import { NodeError } from "./errors.js";

/** Strict RFC 3339 UTC without fractions: "2026-01-01T00:00:00Z". */
export const isoSeconds = rfc3339;

export class NodeClient {
  constructor(idos) {
    this.idos = idos;
    this.nodeId = null; // from /health: the key every receipt must be signed with
    this.client = new PackageNodeClient({ baseUrl: "", idos });
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
      return await this.client.request(method, path, { signer: requestSigner, body });
    } catch (e) {
      if (e?.status !== undefined) throw new NodeError(e.status, e.code, e.message);
      throw e;
    }
  }

  /**
   * For display: whether the receipt is signed by the node we talk to (node id from /health). The
   * package's verifyReceipt throws when it does not (VERIFY_FAILED, or a malformed receipt's
   * code); the page only shows ✓ or ✗, so any refusal is ✗ here.
   */
  /**
   * The package's changeEncryptionKey (re-encrypt every original, one write), trusting the node
   * this page talks to (its id from /health) for the receipts.
   */
  async changeEncryptionKey(signer, options) {
    const client = new PackageNodeClient({ baseUrl: "", idos: this.idos, permittedNodeKeys: [this.nodeId] });
    try {
      return await client.changeEncryptionKey({ type: "EVM", identifier: signer.address, sign: signer.sign }, options);
    } catch (e) {
      if (e?.status !== undefined) throw new NodeError(e.status, e.code, e.message);
      throw e;
    }
  }

  receiptVerifies(r) {
    if (this.nodeId === null) return false;
    try {
      return verifyReceipt(this.idos, r, [this.nodeId]);
    } catch {
      return false;
    }
  }
}
