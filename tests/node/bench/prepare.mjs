// Prepares a storage-node benchmark: registers an owner, shares a copy with a grantee, then
// writes pre-signed requests (each with its own nonce, so every one is signature-checked and
// accepted once) for wrk to replay:
//   reads.txt   GET /v1/shared/<copy> by the grantee
//   writes.txt  POST /v1/credentials by the owner (a distinct credential each)
// Line format: METHOD \t PATH \t Idos-Signed-Request \t BODY (JSON without tabs or newlines).
// Signatures: FaceSign (Ed25519) wallets through node:crypto, messages from the idos-core package.
//
//   node prepare.mjs --url http://127.0.0.1:PORT --out DIR --reads N --writes N
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign as edSign } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { idos, nowSeconds, rfc3339 } from "../helpers.mjs";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, a) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ""), a[i + 1]]] : acc), []));
const url = args.url;
const out = args.out;
const nReads = Number(args.reads ?? 60000);
const nWrites = Number(args.writes ?? 5000);
const m = await idos();

function faceSign() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return {
    type: "FaceSign",
    identifier: Buffer.from(raw).toString("hex"),
    sign: (message) => edSign(null, Buffer.from(message, "utf8"), privateKey).toString("hex"),
  };
}

const sha = (s) => createHash("sha256").update(s).digest("hex");
function header(wallet, method, target, body) {
  const fields = {
    caller_wallet_identifier: wallet.identifier, method, path: target, body_sha256: sha(body),
    nonce: randomBytes(32).toString("hex"), issued_at: rfc3339(nowSeconds()),
  };
  const doc = { caller_wallet_type: wallet.type, ...fields, signature: wallet.sign(m.signedRequestMessage(fields)) };
  return Buffer.from(JSON.stringify(doc)).toString("base64");
}
async function send(wallet, method, target, bodyObj) {
  const body = bodyObj === undefined ? "" : JSON.stringify(bodyObj);
  const res = await fetch(url + target, {
    method, body: body || undefined,
    headers: { "idos-signed-request": header(wallet, method, target, body), "content-type": "application/json" },
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${target}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const owner = faceSign();
const grantee = faceSign();
const ownerKey = m.generateEncryptionKeyPair();
const granteeKey = m.generateEncryptionKeyPair();
const userId = randomUUID();
await send(owner, "POST", "/v1/users", { user_id: userId, encryption_public_key: m.toBase64(ownerKey.publicKey) });
const plaintext = JSON.stringify({ kyc: "passed", name: "Bench Mark", padding: "x".repeat(600) });
const copy = m.makeSharedCopy({ copyId: randomUUID(), userId, plaintext, granteePublicKey: granteeKey.publicKey });
const original = m.buildCredential({ id: randomUUID(), userId, publicNotes: '{"type":"KYC"}', plaintext,
  recipientPublicKey: ownerKey.publicKey, issuer: m.generateEd25519KeyPair() });
await send(owner, "POST", "/v1/credentials", { credential: original });
await send(owner, "POST", "/v1/shares", { shared_copy: copy.credential, original_id: original.id, grantee: grantee.identifier,
  locked_until: 0, content_hash: copy.content_hash });

const readPath = `/v1/shared/${copy.credential.id}`;
const reads = [];
for (let i = 0; i < nReads; i++) reads.push(`GET\t${readPath}\t${header(grantee, "GET", readPath, "")}\t`);
writeFileSync(path.join(out, "reads.txt"), reads.join("\n") + "\n");

const issuer = m.generateEd25519KeyPair();
const writes = [];
for (let i = 0; i < nWrites; i++) {
  const credential = m.buildCredential({ id: randomUUID(), userId, publicNotes: "{\"type\":\"bench\"}", plaintext, recipientPublicKey: ownerKey.publicKey, issuer });
  const body = JSON.stringify({ credential });
  writes.push(`POST\t/v1/credentials\t${header(owner, "POST", "/v1/credentials", body)}\t${body}`);
}
writeFileSync(path.join(out, "writes.txt"), writes.join("\n") + "\n");
console.log(JSON.stringify({ reads: nReads, writes: nWrites, read_path: readPath, body_bytes: writes[0].split("\t")[3].length }));
