// signerFrom (idos-core/client) with the real wallet libraries a dApp holds: an ethers v6 Wallet,
// viem's LocalAccount and WalletClient, and an EIP-1193 provider backed by a real secp256k1 key
// (an ethers Wallet behind eth_requestAccounts / personal_sign, as an injected wallet answers).
// Each signer's identifier is the canonical spelling, and its signatures are the wallet's own,
// verified by ethers and by the core. Also the encodings a dApp meets: libsodium.js's URL-safe
// base64, 0x-hex, and byte messages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Wallet, getBytes, verifyMessage } from "ethers";
import { createWalletClient, custom } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import sodium from "libsodium-wrappers";
import { code, load } from "./helpers.js";
import { signerFrom } from "../dist/client.js";

const idos = await load();

/** An EIP-1193 provider as an injected wallet answers, backed by real keys (ethers Wallets). */
function provider(wallets, { signWith } = {}) {
  const calls = [];
  return {
    calls,
    async request({ method, params = [] }) {
      calls.push(method);
      if (method === "eth_requestAccounts" || method === "eth_accounts") return wallets.map((w) => w.address);
      if (method === "personal_sign") {
        const [data, address] = params;
        const w = wallets.find((x) => x.address.toLowerCase() === String(address).toLowerCase());
        if (!w) throw Object.assign(new Error("unknown account"), { code: 4100 });
        return (signWith ?? w).signMessage(getBytes(data));
      }
      throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
    },
  };
}

test("an ethers Wallet: canonical identifier, the wallet's own EIP-191 signature", async () => {
  const w = Wallet.createRandom();
  assert.notEqual(w.address, w.address.toLowerCase(), "ethers gives EIP-55");
  const s = await signerFrom(w, { idos });
  assert.equal(s.type, "EVM");
  assert.equal(s.identifier, w.address.toLowerCase());
  const sig = await s.sign("hello idOS");
  assert.equal(sig, await w.signMessage("hello idOS"));
  assert.equal(verifyMessage("hello idOS", sig), w.address);
  assert.equal(idos.verifyWalletSignature({ type: "EVM", identifier: w.address, message: "hello idOS", signature: sig }), true);
});

test("a viem LocalAccount and a viem WalletClient (with and without an account)", async () => {
  const key = Wallet.createRandom();
  const account = privateKeyToAccount(key.privateKey);
  const fromAccount = await signerFrom(account, { idos });
  assert.equal(fromAccount.identifier, account.address.toLowerCase());
  const sig = await fromAccount.sign("m");
  assert.equal(sig, await account.signMessage({ message: "m" }));
  assert.equal(verifyMessage("m", sig), key.address);

  const p = provider([key]);
  const withAccount = createWalletClient({ account, transport: custom(p) });
  const s1 = await signerFrom(withAccount, { idos });
  assert.equal(s1.identifier, key.address.toLowerCase());
  assert.equal(await s1.sign("m"), sig, "a local account signs locally (RFC 6979)");

  // A JSON-RPC wallet client: the address and the signature come from the provider.
  const rpcClient = createWalletClient({ transport: custom(p) });
  const s2 = await signerFrom(rpcClient, { idos });
  assert.equal(s2.identifier, key.address.toLowerCase());
  assert.equal(await s2.sign("m"), sig);
  assert.ok(p.calls.includes("eth_requestAccounts") && p.calls.includes("personal_sign"));
});

test("an EIP-1193 provider: connects, picks an account in any spelling, signs with personal_sign", async () => {
  const a = Wallet.createRandom();
  const b = Wallet.createRandom();
  const p = provider([a, b]);
  const first = await signerFrom(p, { idos });
  assert.equal(first.identifier, a.address.toLowerCase());
  assert.equal(p.calls[0], "eth_requestAccounts");
  const second = await signerFrom(p, { idos, account: b.address.toUpperCase().replace("0X", "0x"), connect: false });
  assert.equal(second.identifier, b.address.toLowerCase());
  assert.ok(p.calls.includes("eth_accounts"));
  const text = "operation: signedRequest\nnon-ASCII: ü€";
  const sig = await second.sign(text);
  assert.equal(verifyMessage(text, sig), b.address, "the wallet signed the text itself (hex of its UTF-8 bytes)");
  await assert.rejects(signerFrom(p, { idos, account: Wallet.createRandom().address }), code("FORBIDDEN"));
  await assert.rejects(signerFrom({ request: async () => [] }, { idos }), code("FORBIDDEN"));
  await assert.rejects(signerFrom({ request: async () => { throw new Error("User rejected the request."); } }, { idos }),
    (e) => e.code === "FORBIDDEN" && /User rejected/.test(e.message));
});

test("a wallet that signs with another account than it named fails in sign(), with VERIFY_FAILED", async () => {
  const named = Wallet.createRandom();
  const p = provider([named], { signWith: Wallet.createRandom() });
  const s = await signerFrom(p, { idos });
  await assert.rejects(s.sign("x"), (e) => e.code === "VERIFY_FAILED" && e.message.includes(named.address.toLowerCase()));
});

test("this package's key pairs and existing signers", async () => {
  const kp = idos.generateSecp256k1KeyPair();
  const s = await signerFrom(kp, { idos });
  assert.equal(s.identifier, kp.address);
  assert.equal(verifyMessage("k", await s.sign("k")), kp.checksumAddress);
  const ed = idos.generateEd25519KeyPair();
  const f = await signerFrom(ed, { idos, type: "FaceSign" });
  assert.equal(f.identifier, ed.walletIdentifier("FaceSign"));
  assert.equal(idos.verifyWalletSignature({ type: "FaceSign", identifier: f.identifier, message: "k", signature: await f.sign("k") }), true);
  await assert.rejects(signerFrom(ed, { idos }), code("INVALID_INPUT"));
  // A hand-made signer with an EIP-55 identifier: canonicalised.
  const w = Wallet.createRandom();
  const plain = await signerFrom({ type: "EVM", identifier: w.address, sign: (m) => w.signMessage(m) }, { idos });
  assert.equal(plain.identifier, w.address.toLowerCase());
  const bad = w.address.slice(0, -1) + (w.address.endsWith("a") ? "A" : w.address.endsWith("A") ? "a" : "0");
  if (bad !== w.address && bad.toLowerCase() !== w.address.toLowerCase()) {
    await assert.rejects(signerFrom({ type: "EVM", identifier: bad, sign: () => "" }, { idos }));
  }
  await assert.rejects(signerFrom(null, { idos }), code("INVALID_INPUT"));
  await assert.rejects(signerFrom({}, { idos }), code("INVALID_INPUT"));
  kp.dispose();
  ed.dispose();
});

test("encodings a dApp meets: libsodium.js URL-safe base64, 0x-hex keys, byte messages", async () => {
  await sodium.ready;
  const pair = sodium.crypto_box_keypair();
  const urlSafe = sodium.to_base64(pair.publicKey); // libsodium.js default: URL-safe, no padding
  assert.match(urlSafe, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(idos.fromBase64(urlSafe), pair.publicKey);
  assert.deepEqual(idos.fromBase64(sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL)), pair.publicKey);
  assert.deepEqual(idos.fromHex(`0x${sodium.to_hex(pair.publicKey).toUpperCase()}`), pair.publicKey);
  const w = Wallet.createRandom();
  const message = "sign me: ü";
  const signature = await w.signMessage(message);
  assert.equal(idos.verifyWalletSignature({ type: "EVM", identifier: w.address, message: idos.utf8Encode(message), signature }), true);
  assert.throws(() => idos.verifyWalletSignature({ type: "EVM", identifier: w.address, message: new Uint8Array([0xff]), signature }),
    code("INVALID_UTF8"));
});
