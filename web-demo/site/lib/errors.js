// Errors in words: every failure the page can meet (IdosError from the package, NodeError from
// the node's JSON error form, an unreachable node) becomes one sentence, never a stack trace.

/** A refusal or failure answered by the node (or the demo server's proxy). */
export class NodeError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "NodeError";
    this.status = status;
    this.code = code;
  }
}

const GENERAL = {
  NODE_UNREACHABLE: "The storage node is not reachable. Is idos-node running? (scripts/demo starts it.)",
  DECRYPT_FAILED: "Decryption failed: this key cannot open that ciphertext (wrong key, or the data was altered).",
  VERIFY_FAILED: "A signature or proof did not verify: the data or its signer is not what it claims to be.",
  INVALID_SIGNATURE: "A signature is malformed.",
  LOCKED: "Refused: the access grant is still timelocked.",
  EXPIRED: "Expired: this document is past its validity window.",
  NOT_YET_VALID: "Not valid yet: this document's validity window has not started (is this computer's clock right?).",
  REPLAYED: "Refused as a replay: this one-time id or nonce was already used.",
  FORBIDDEN: "Not allowed.",
  MISMATCH: "Two values that must agree do not.",
  INVALID_INPUT: "The input is not valid.",
  INVALID_ENCODING: "Something is not correctly encoded.",
  INVALID_LENGTH: "A key, signature or value has the wrong length.",
  INVALID_JSON: "Not valid JSON.",
  INVALID_UTF8: "Some text is not valid UTF-8.",
  CHECKSUM_MISMATCH: "A wallet address has a wrong checksum (a typo?).",
  NOT_FOUND: "Not found: it does not exist, or this wallet may not see it.",
  RATE_LIMITED: "Too many requests from this wallet; wait a second and try again.",
  UNAVAILABLE: "The node cannot answer this right now (its log is unreachable or it is catching up); try again shortly.",
  INVALID_KEY: "This key cannot be used (it was locked or disposed, or is not a valid key).",
  TOO_LARGE: "Too large for the node's limits.",
  UNSUPPORTED: "Not supported.",
  INTERNAL: "The node had an internal problem; try again.",
  LOCKED_VAULT: "Your vault is locked: unlock it on step 1 first.",
};

/**
 * Turns any error into { code, text }. `context` may override the sentence per code, e.g.
 * { DECRYPT_FAILED: "Wrong password ..." }.
 */
export function explain(err, context = {}) {
  if (err instanceof TypeError && /fetch/i.test(err.message)) err = new NodeError(0, "NODE_UNREACHABLE", err.message);
  const code = typeof err?.code === "string" ? err.code : "";
  let text = context[code] ?? GENERAL[code];
  const detail = typeof err?.message === "string" ? err.message : String(err);
  if (err instanceof NodeError) {
    if (err.status === 429) text = "The node rate-limits each wallet; wait a second and try again.";
    if (!text) text = `The node refused the request (HTTP ${err.status}).`;
    // The node's own message is in words already; add it unless it repeats the sentence.
    if (code !== "NODE_UNREACHABLE" && !context[code] && detail && !text.includes(detail)) text += ` The node says: “${detail}”.`;
    if (/not registered to a user/.test(detail)) text += " If the node's data folder was reset, use “Start over” (top right) to make a new profile.";
  } else if (!text) {
    text = `Something went wrong: ${detail}`;
  } else if (detail && !context[code] && code !== "NODE_UNREACHABLE") {
    text += ` (${detail})`;
  }
  return { code: code || "ERROR", text };
}
