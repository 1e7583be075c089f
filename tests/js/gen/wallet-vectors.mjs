// Generates tests/vectors/wallet_signatures.json with the real wallet libraries.
//
// Every signature here is made by the library a wallet of that type uses (ethers for EVM,
// @near-js for NEAR, @stellar/stellar-sdk for Stellar, ripple-keypairs for XRPL, tweetnacl for
// FaceSign), from fixed keys and nonces, so re-running gives a byte-identical file. Every case
// is re-checked with the library's own verifier before it is written.
//
// Run: cd tests/js && node gen/wallet-vectors.mjs

import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { Wallet, verifyMessage, getAddress, id as keccakId } from 'ethers';
import { KeyPair, KeyPairEd25519, PublicKey } from '@near-js/crypto';
import { KeyPairSigner } from '@near-js/signers';
import { serialize as borshSerialize } from 'borsh';
import { Keypair as StellarKeypair, StrKey } from '@stellar/stellar-sdk';
import * as rippleKeypairs from 'ripple-keypairs';
import { decodeAccountID, isValidClassicAddress } from 'ripple-address-codec';
import naclModule from 'tweetnacl';
import { libVersion, assert, utf8, toHex, fromHex, sha256, JS_ROOT, NEP413_TAG, NEP413_SCHEMA, nep413Bytes } from './common.mjs';

const nacl = naclModule.default ?? naclModule;

const OUT = join(JS_ROOT, '..', 'vectors', 'wallet_signatures.json');

// ---------------------------------------------------------------- helpers



// A fixed 32-byte seed named by a label, so every key in the file is reproducible.
const seed32 = (label) => sha256(utf8(`idos-core/test-vectors/${label}`));

// ---------------------------------------------------------------- messages

// 10 KiB (10240 bytes) of ASCII, so byte length == character length.
const LINE = 'idOS wallet signature test vector: the quick brown fox jumps over the lazy dog 0123456789.\n';
const MSG_10K = LINE.repeat(Math.ceil(10240 / LINE.length)).slice(0, 10240);
assert(Buffer.byteLength(MSG_10K, 'utf8') === 10240, '10 KiB message');

const MESSAGES = [
  { key: 'empty', text: '', comment: 'empty message (0 bytes)' },
  { key: 'ascii', text: 'Sign in to idOS. Nonce: 8f3c2a', comment: 'ASCII message' },
  {
    key: 'unicode',
    // emoji (astral plane), CJK, a decomposed e + U+0301 combining acute (not normalised), and a ZWJ sequence
    text: 'idOS \u{1F510}\u{1F30D} \u6570\u636E\u4E3B\u6743 \u30C7\u30FC\u30BF cafe\u0301 \u00E9 \u{1F469}\u200D\u{1F4BB}',
    comment: 'Unicode: emoji, CJK, a combining mark (e + U+0301, NOT normalised) and a ZWJ sequence; signed as its UTF-8 bytes',
  },
  {
    key: 'multiline',
    text: 'idos.network wants you to sign in.\n\nURI: https://idos.network\r\nVersion: 1\n\tIndented line\n',
    comment: 'multi-line message with LF, an empty line, CRLF and a tab',
  },
  { key: '10k', text: MSG_10K, comment: '10240-byte ASCII message' },
];
const MSG_ASCII = MESSAGES[1].text;
const WRONG_MESSAGE = 'Sign in to idOS. Nonce: 8f3c2b';

// ---------------------------------------------------------------- case list

const cases = [];
function add(c) {
  const full = {
    id: c.id,
    comment: c.comment,
    type: c.type,
    identifier: c.identifier,
    public_key: c.public_key ?? null,
    message: c.message,
    signature: c.signature,
    nonce: c.nonce ?? null,
    recipient: c.recipient ?? null,
    callback_url: c.callback_url ?? null,
    expected: c.expected,
  };
  for (const k of Object.keys(full)) assert(full[k] !== undefined, `${c.id}: ${k} undefined`);
  assert(!cases.some((x) => x.id === full.id), `duplicate id ${full.id}`);
  cases.push(full);
}

// ================================================================ EVM (EIP-191 personal_sign, ethers v6)

const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const hex32 = (n) => n.toString(16).padStart(64, '0');

function splitEvmSig(sig) {
  assert(/^0x[0-9a-f]{130}$/.test(sig), `ethers signature format: ${sig}`);
  return { r: sig.slice(2, 66), s: sig.slice(66, 130), v: parseInt(sig.slice(130, 132), 16) };
}
const joinEvmSig = (r, s, v) => `0x${r}${s}${v.toString(16).padStart(2, '0')}`;

async function genEvm() {
  const walletA = new Wallet(keccakId('idos-core/test-vectors/evm/A'));
  const walletB = new Wallet(keccakId('idos-core/test-vectors/evm/B'));
  const addrA = walletA.address; // EIP-55 as ethers gives it
  assert(addrA === getAddress(addrA) && /[a-f]/.test(addrA.slice(2)) && /[A-F]/.test(addrA.slice(2)), 'mixed-case address');

  const checkValid = (c) => {
    const recovered = verifyMessage(c.message, c.signature);
    assert(recovered === getAddress(c.identifier.toLowerCase()), `${c.id}: ethers recovers ${recovered}`);
  };
  const checkInvalid = (c) => {
    const recovered = verifyMessage(c.message, c.signature);
    assert(recovered !== getAddress(c.identifier.toLowerCase()), `${c.id}: should not recover identifier`);
  };

  const sigs = {};
  for (const m of MESSAGES) {
    const signature = await walletA.signMessage(m.text);
    sigs[m.key] = signature;
    const c = {
      id: `evm-${m.key}-valid`,
      comment: `EIP-191 personal_sign by ethers Wallet.signMessage; ${m.comment}`,
      type: 'EVM',
      identifier: addrA,
      message: m.text,
      signature,
      expected: 'valid',
    };
    checkValid(c);
    add(c);
  }

  const base = sigs.ascii;
  const { r, s, v } = splitEvmSig(base);

  // Identifier forms.
  {
    const c = {
      id: 'evm-identifier-lowercase-valid',
      comment: 'all-lowercase address (no checksum claimed) is accepted',
      type: 'EVM', identifier: addrA.toLowerCase(), message: MSG_ASCII, signature: base, expected: 'valid',
    };
    checkValid(c);
    add(c);
    const up = {
      id: 'evm-identifier-uppercase-valid',
      comment: "all-uppercase address ('0x' + uppercase hex; no checksum claimed) is accepted",
      type: 'EVM', identifier: `0x${addrA.slice(2).toUpperCase()}`, message: MSG_ASCII, signature: base, expected: 'valid',
    };
    assert(getAddress(up.identifier) === addrA, 'ethers accepts all-uppercase');
    checkValid(up);
    add(up);

    // Flip the case of the first letter of the EIP-55 address: a mixed-case address with a wrong checksum.
    const body = addrA.slice(2);
    const i = body.search(/[a-fA-F]/);
    const ch = body[i];
    const flipped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
    const broken = `0x${body.slice(0, i)}${flipped}${body.slice(i + 1)}`;
    let threw = false;
    try { getAddress(broken); } catch { threw = true; }
    assert(threw, 'ethers rejects the broken checksum');
    add({
      id: 'evm-identifier-bad-checksum',
      comment: `EIP-55 address with the case of hex digit ${i} flipped: mixed case with a wrong checksum`,
      type: 'EVM', identifier: broken, message: MSG_ASCII, signature: base, expected: 'CHECKSUM_MISMATCH',
    });
  }

  // v as 0/1 instead of 27/28.
  for (const key of ['ascii', 'unicode']) {
    const p = splitEvmSig(sigs[key]);
    const c = {
      id: `evm-${key}-v01-valid`,
      comment: `same signature as evm-${key}-valid with v = ${p.v - 27} instead of ${p.v} (v in {0,1} is accepted)`,
      type: 'EVM', identifier: addrA, message: MESSAGES.find((m) => m.key === key).text,
      signature: joinEvmSig(p.r, p.s, p.v - 27), expected: 'valid',
    };
    checkValid(c);
    add(c);
  }

  // Malformed signatures.
  const sBig = BigInt(`0x${s}`);
  assert(sBig <= SECP_N / 2n, 'ethers gives low-S');
  const highS = joinEvmSig(r, hex32(SECP_N - sBig), v === 27 ? 28 : 27);
  add({
    id: 'evm-high-s', comment: "high-S form of evm-ascii-valid (s' = n - s, v flipped: recovers the same key, but is non-canonical)",
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: highS, expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-truncated-64-bytes', comment: 'evm-ascii-valid without its v byte (64 bytes)',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: base.slice(0, 2 + 128), expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-66-bytes', comment: 'evm-ascii-valid with an extra 0x00 byte (66 bytes)',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: `${base}00`, expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-v-29', comment: 'evm-ascii-valid with v = 29',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: joinEvmSig(r, s, 29), expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-r-zero', comment: 'evm-ascii-valid with r = 0',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: joinEvmSig(hex32(0n), s, v), expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-r-equals-n', comment: 'evm-ascii-valid with r = n (the secp256k1 group order)',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: joinEvmSig(hex32(SECP_N), s, v), expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-s-zero', comment: 'evm-ascii-valid with s = 0',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: joinEvmSig(r, hex32(0n), v), expected: 'INVALID_SIGNATURE',
  });
  add({
    // s + n overflows 32 bytes for this s, so the largest 32-byte value stands for "s >= n" here.
    id: 'evm-s-max', comment: 'evm-ascii-valid with s = 2^256 - 1 (>= n)',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: joinEvmSig(r, hex32((1n << 256n) - 1n), v), expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-s-equals-n', comment: 'evm-ascii-valid with s = n',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: joinEvmSig(r, hex32(SECP_N), v), expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'evm-non-hex', comment: "evm-ascii-valid with its 11th hex digit replaced by 'g'",
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: `${base.slice(0, 12)}g${base.slice(13)}`, expected: 'INVALID_ENCODING',
  });
  add({
    id: 'evm-uppercase-hex', comment: 'evm-ascii-valid with its hex digits in uppercase (lowercase is canonical)',
    type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: `0x${base.slice(2).toUpperCase()}`, expected: 'INVALID_ENCODING',
  });
  assert(/[a-f]/.test(base.slice(2)), 'signature has letters to uppercase');

  // Well-formed but not verifying.
  {
    const c = {
      id: 'evm-wrong-message', comment: 'signature of the ASCII message checked against a different message',
      type: 'EVM', identifier: addrA, message: WRONG_MESSAGE, signature: base, expected: 'VERIFY_FAILED',
    };
    checkInvalid(c);
    add(c);
    const other = await walletB.signMessage(MSG_ASCII);
    const c2 = {
      id: 'evm-other-signer', comment: `signature by another key (${walletB.address}) checked against the identifier`,
      type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: other, expected: 'VERIFY_FAILED',
    };
    assert(verifyMessage(MSG_ASCII, other) === walletB.address, 'B signed');
    checkInvalid(c2);
    add(c2);
    // One flipped bit in s: still well-formed (low-S, in range), recovers some other address.
    const sFlip = (sBig ^ 1n);
    const c3 = {
      id: 'evm-flipped-bit', comment: 'evm-ascii-valid with the lowest bit of s flipped',
      type: 'EVM', identifier: addrA, message: MSG_ASCII, signature: joinEvmSig(r, hex32(sFlip), v), expected: 'VERIFY_FAILED',
    };
    checkInvalid(c3);
    add(c3);
  }
}

// ================================================================ NEAR (NEP-413)

let nearSignerCrossChecks = 0;

const nep413Hash = (p) => sha256(nep413Bytes(p));

function selfCheckNep413() {
  // Published hashes (near-kit serializeNep413Message, as pinned by the near_dart test suite), nonce = bytes 0..31.
  const nonce = Uint8Array.from({ length: 32 }, (_, i) => i);
  const h1 = toHex(nep413Hash({ message: 'Sign in to nearbuilders.org', recipient: 'nearbuilders.org', nonce }));
  assert(h1 === 'e3d06d4045a76d8281580760de255b9408dffdff686edc10d04ab2b44bbc0472', `published NEP-413 hash 1: ${h1}`);
  const h2 = toHex(nep413Hash({
    message: 'hola \u2615 se\u00F1or', recipient: 'app.testnet', nonce, callbackUrl: 'nearcoffee://callback/success',
  }));
  assert(h2 === '764cf074303ca1652e52548c3585b7f99b4b1a8835b7486ee6beb3047ea55778', `published NEP-413 hash 2: ${h2}`);
}

function nearKeyPair(label) {
  const seed = seed32(label);
  const pub = nacl.sign.keyPair.fromSeed(seed).publicKey;
  // near-api-js keeps the 64-byte "extended" secret (seed || public key) in base58.
  const extended = new Uint8Array([...seed, ...pub]);
  const kp = KeyPair.fromString(`ed25519:${StrBase58.encode(extended)}`);
  assert(kp instanceof KeyPairEd25519, 'ed25519 key pair');
  assert(toHex(kp.getPublicKey().data) === toHex(pub), 'near-js derives the same public key');
  return kp;
}

// Bitcoin-alphabet base58 (NEAR keys) and the XRPL alphabet.
function makeBase58(alphabet) {
  return {
    encode(bytes) {
      let n = 0n;
      for (const b of bytes) n = n * 256n + BigInt(b);
      let out = '';
      while (n > 0n) { out = alphabet[Number(n % 58n)] + out; n /= 58n; }
      for (const b of bytes) { if (b !== 0) break; out = alphabet[0] + out; }
      return out;
    },
    decode(str) {
      let n = 0n;
      for (const ch of str) {
        const d = alphabet.indexOf(ch);
        assert(d >= 0, `base58 char ${ch}`);
        n = n * 58n + BigInt(d);
      }
      const bytes = [];
      while (n > 0n) { bytes.unshift(Number(n % 256n)); n /= 256n; }
      for (const ch of str) { if (ch !== alphabet[0]) break; bytes.unshift(0); }
      return Uint8Array.from(bytes);
    },
  };
}
const StrBase58 = makeBase58('123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz');
const XrplBase58 = makeBase58('rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz');

async function genNear() {
  selfCheckNep413();
  const kpA = nearKeyPair('near/A');
  const kpB = nearKeyPair('near/B');
  const signerA = new KeyPairSigner(kpA);
  const signerB = new KeyPairSigner(kpB);
  const identA = kpA.getPublicKey().toString();
  assert(/^ed25519:[1-9A-HJ-NP-Za-km-z]+$/.test(identA), 'ed25519:<base58>');
  const nonce = seed32('near/nonce');
  const nonceHex = toHex(nonce);
  const recipient = 'idos.network';
  const accountId = 'idos-test.near';

  // Sign the NEP-413 hash with the near-js key pair. The payload bytes are ours, checked equal to
  // borsh 2.x. @near-js/signers 2.x KeyPairSigner.signNep413Message is compared only for ASCII
  // payloads: it uses borsh 1.0.0, whose string encoder writes one byte per UTF-16 code unit
  // (near/borsh-js#72, fixed in borsh 2.0), so its signatures of non-ASCII messages are not NEP-413.
  async function sign(signer, kp, p) {
    const ours = nep413Bytes(p);
    const viaBorsh = Buffer.concat([
      borshSerialize('u32', NEP413_TAG),
      borshSerialize(NEP413_SCHEMA, { message: p.message, nonce: p.nonce, recipient: p.recipient, callbackUrl: p.callbackUrl ?? null }),
    ]);
    assert(toHex(ours) === toHex(viaBorsh), 'NEP-413 payload == borsh 2.x serialisation');
    const sig = kp.sign(sha256(ours)).signature;
    assert(sig.length === 64, 'ed25519 signature');
    const ascii = (x) => x == null || /^[\x00-\x7f]*$/.test(x);
    if (ascii(p.message) && ascii(p.recipient) && ascii(p.callbackUrl)) {
      const out = await signer.signNep413Message(p.message, accountId, p.recipient, p.nonce, p.callbackUrl ?? undefined);
      assert(toHex(out.signature) === toHex(sig), 'KeyPairSigner.signNep413Message agrees (ASCII payload)');
      nearSignerCrossChecks += 1;
    }
    return Buffer.from(sig).toString('base64');
  }
  const verifies = (identifier, p, sigB64) =>
    PublicKey.fromString(identifier).verify(nep413Hash(p), new Uint8Array(Buffer.from(sigB64, 'base64')));

  const addChecked = (c, p) => {
    const ok = verifies(c.identifier, p, c.signature);
    if (c.expected === 'valid') assert(ok, `${c.id}: verifies`);
    if (c.expected === 'VERIFY_FAILED') assert(!ok, `${c.id}: does not verify`);
    add(c);
  };

  const sigs = {};
  for (const m of MESSAGES) {
    const p = { message: m.text, nonce, recipient };
    const signature = await sign(signerA, kpA, p);
    assert(/^[A-Za-z0-9+/]{86}==$/.test(signature), 'padded base64');
    sigs[m.key] = signature;
    addChecked({
      id: `near-${m.key}-valid`,
      comment: `NEP-413: @near-js/crypto KeyPairEd25519.sign over sha256(tag || borsh payload); ${m.comment}`,
      type: 'NEAR', identifier: identA, message: m.text, signature, nonce: nonceHex, recipient, expected: 'valid',
    }, p);
  }

  const callbackUrl = 'https://idos.network/callback?x=1';
  const pCb = { message: MSG_ASCII, nonce, recipient, callbackUrl };
  const sigCb = await sign(signerA, kpA, pCb);
  addChecked({
    id: 'near-callback-url-valid', comment: 'NEP-413 payload with callbackUrl = Some(...)',
    type: 'NEAR', identifier: identA, message: MSG_ASCII, signature: sigCb, nonce: nonceHex, recipient,
    callback_url: callbackUrl, expected: 'valid',
  }, pCb);
  addChecked({
    id: 'near-callback-url-dropped', comment: 'signature of near-callback-url-valid checked without its callbackUrl (None)',
    type: 'NEAR', identifier: identA, message: MSG_ASCII, signature: sigCb, nonce: nonceHex, recipient, expected: 'VERIFY_FAILED',
  }, { message: MSG_ASCII, nonce, recipient });

  const base = sigs.ascii;
  const wrongNonce = Uint8Array.from(nonce);
  wrongNonce[31] ^= 1;
  addChecked({
    id: 'near-wrong-nonce', comment: 'near-ascii-valid checked with the last nonce bit flipped',
    type: 'NEAR', identifier: identA, message: MSG_ASCII, signature: base, nonce: toHex(wrongNonce), recipient, expected: 'VERIFY_FAILED',
  }, { message: MSG_ASCII, nonce: wrongNonce, recipient });
  addChecked({
    id: 'near-wrong-recipient', comment: 'near-ascii-valid checked with another recipient',
    type: 'NEAR', identifier: identA, message: MSG_ASCII, signature: base, nonce: nonceHex, recipient: 'evil.network', expected: 'VERIFY_FAILED',
  }, { message: MSG_ASCII, nonce, recipient: 'evil.network' });
  addChecked({
    id: 'near-wrong-message', comment: 'near-ascii-valid checked against a different message',
    type: 'NEAR', identifier: identA, message: WRONG_MESSAGE, signature: base, nonce: nonceHex, recipient, expected: 'VERIFY_FAILED',
  }, { message: WRONG_MESSAGE, nonce, recipient });
  const sigB = await sign(signerB, kpB, { message: MSG_ASCII, nonce, recipient });
  addChecked({
    id: 'near-other-signer', comment: `signature by another key (${kpB.getPublicKey().toString()}) checked against the identifier`,
    type: 'NEAR', identifier: identA, message: MSG_ASCII, signature: sigB, nonce: nonceHex, recipient, expected: 'VERIFY_FAILED',
  }, { message: MSG_ASCII, nonce, recipient });
  add({
    id: 'near-bad-base64', comment: "near-ascii-valid with one character replaced by '!' (not base64)",
    type: 'NEAR', identifier: identA, message: MSG_ASCII, signature: `${base.slice(0, 10)}!${base.slice(11)}`,
    nonce: nonceHex, recipient, expected: 'INVALID_ENCODING',
  });
  add({
    id: 'near-signature-63-bytes', comment: 'the first 63 bytes of the near-ascii-valid signature, base64',
    type: 'NEAR', identifier: identA, message: MSG_ASCII,
    signature: Buffer.from(base, 'base64').subarray(0, 63).toString('base64'),
    nonce: nonceHex, recipient, expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'near-missing-nonce', comment: 'nonce is null (NEP-413 requires a 32-byte nonce)',
    type: 'NEAR', identifier: identA, message: MSG_ASCII, signature: base, nonce: null, recipient, expected: 'INVALID_INPUT',
  });
}

// ================================================================ Stellar (raw Ed25519 over the UTF-8 message)

async function genStellar() {
  const kpA = StellarKeypair.fromRawEd25519Seed(Buffer.from(seed32('stellar/A')));
  const kpB = StellarKeypair.fromRawEd25519Seed(Buffer.from(seed32('stellar/B')));
  const identA = kpA.publicKey();
  assert(StrKey.isValidEd25519PublicKey(identA), 'G address');

  const addChecked = (c) => {
    if (c.expected === 'valid' || c.expected === 'VERIFY_FAILED') {
      const ok = StellarKeypair.fromPublicKey(c.identifier).verify(Buffer.from(c.message, 'utf8'), Buffer.from(c.signature, 'hex'));
      assert(ok === (c.expected === 'valid'), `${c.id}: stellar verify`);
    }
    add(c);
  };

  const sigs = {};
  for (const m of MESSAGES) {
    const signature = toHex(kpA.sign(Buffer.from(m.text, 'utf8')));
    sigs[m.key] = signature;
    addChecked({
      id: `stellar-${m.key}-valid`,
      comment: `@stellar/stellar-sdk Keypair.sign over the UTF-8 bytes; ${m.comment}`,
      type: 'Stellar', identifier: identA, message: m.text, signature, expected: 'valid',
    });
  }
  const base = sigs.ascii;
  addChecked({
    id: 'stellar-wrong-message', comment: 'stellar-ascii-valid checked against a different message',
    type: 'Stellar', identifier: identA, message: WRONG_MESSAGE, signature: base, expected: 'VERIFY_FAILED',
  });
  addChecked({
    id: 'stellar-other-signer', comment: `signature by another key (${kpB.publicKey()}) checked against the identifier`,
    type: 'Stellar', identifier: identA, message: MSG_ASCII, signature: toHex(kpB.sign(Buffer.from(MSG_ASCII, 'utf8'))), expected: 'VERIFY_FAILED',
  });

  // Same version byte and key, CRC16 with one bit flipped, re-encoded in base32.
  const raw = base32Decode(identA);
  assert(raw.length === 35 && raw[0] === 6 << 3, 'StrKey G layout');
  const bad = Uint8Array.from(raw);
  bad[34] ^= 1;
  const badIdent = base32Encode(bad);
  assert(badIdent.length === 56 && badIdent !== identA && !StrKey.isValidEd25519PublicKey(badIdent), 'broken StrKey');
  add({
    id: 'stellar-bad-checksum', comment: 'the identifier with one bit of its CRC16 checksum flipped (version byte and key unchanged)',
    type: 'Stellar', identifier: badIdent, message: MSG_ASCII, signature: base, expected: 'CHECKSUM_MISMATCH',
  });
  add({
    id: 'stellar-signature-63-bytes', comment: 'the first 63 bytes of stellar-ascii-valid',
    type: 'Stellar', identifier: identA, message: MSG_ASCII, signature: base.slice(0, 126), expected: 'INVALID_SIGNATURE',
  });
  add({
    id: 'stellar-signature-65-bytes', comment: 'stellar-ascii-valid with an extra 0x00 byte',
    type: 'Stellar', identifier: identA, message: MSG_ASCII, signature: `${base}00`, expected: 'INVALID_SIGNATURE',
  });
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32Encode(bytes) {
  let bits = 0; let value = 0; let out = '';
  for (const b of bytes) {
    value = (value << 8) | b; bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
function base32Decode(str) {
  let bits = 0; let value = 0; const out = [];
  for (const ch of str) {
    const d = B32.indexOf(ch);
    assert(d >= 0, 'base32 char');
    value = (value << 5) | d; bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Uint8Array.from(out);
}

// ================================================================ XRPL (ed25519 wallet, ripple-keypairs)

async function genXrpl() {
  const wallet = (label) => {
    const seed = rippleKeypairs.generateSeed({ entropy: seed32(label).subarray(0, 16), algorithm: 'ed25519' });
    const { publicKey, privateKey } = rippleKeypairs.deriveKeypair(seed);
    assert(/^ED[0-9A-F]{64}$/.test(publicKey), 'ED + uppercase hex public key');
    return { seed, publicKey, privateKey, address: rippleKeypairs.deriveAddress(publicKey) };
  };
  const A = wallet('xrpl/A');
  const B = wallet('xrpl/B');
  assert(/^r[1-9A-HJ-NP-Za-km-z]{24,34}$/.test(A.address), 'r-address');

  const signHex = (w, text) => {
    const s = rippleKeypairs.sign(toHex(utf8(text)), w.privateKey);
    assert(/^[0-9A-F]{128}$/.test(s), 'library returns uppercase hex');
    // ripple-keypairs signs the raw message bytes with ed25519 (no prehash): check with tweetnacl.
    assert(nacl.sign.detached.verify(utf8(text), fromHex(s), fromHex(w.publicKey.slice(2))), 'raw ed25519 over the message bytes');
    return s.toLowerCase();
  };
  const addChecked = (c) => {
    if (c.expected === 'valid' || c.expected === 'VERIFY_FAILED') {
      const ok = rippleKeypairs.verify(toHex(utf8(c.message)), c.signature.toUpperCase(), c.public_key)
        && rippleKeypairs.deriveAddress(c.public_key) === c.identifier;
      assert(ok === (c.expected === 'valid'), `${c.id}: ripple-keypairs verify`);
    }
    add(c);
  };

  const sigs = {};
  for (const m of MESSAGES) {
    const signature = signHex(A, m.text);
    sigs[m.key] = signature;
    addChecked({
      id: `xrpl-${m.key}-valid`,
      comment: `ripple-keypairs sign (ed25519 over the raw UTF-8 bytes), signature lowercased; ${m.comment}`,
      type: 'XRPL', identifier: A.address, public_key: A.publicKey, message: m.text, signature, expected: 'valid',
    });
  }
  const base = sigs.ascii;
  add({
    id: 'xrpl-uppercase-signature', comment: 'xrpl-ascii-valid signature in uppercase hex, as ripple-keypairs returns it (either case verifies)',
    type: 'XRPL', identifier: A.address, public_key: A.publicKey, message: MSG_ASCII, signature: base.toUpperCase(), expected: 'valid',
  });
  add({
    id: 'xrpl-public-key-mismatch',
    comment: "public key and signature of another wallet: the public key does not derive the identifier",
    type: 'XRPL', identifier: A.address, public_key: B.publicKey, message: MSG_ASCII, signature: signHex(B, MSG_ASCII), expected: 'MISMATCH',
  });
  addChecked({
    id: 'xrpl-wrong-message', comment: 'xrpl-ascii-valid checked against a different message',
    type: 'XRPL', identifier: A.address, public_key: A.publicKey, message: WRONG_MESSAGE, signature: base, expected: 'VERIFY_FAILED',
  });
  add({
    id: 'xrpl-missing-public-key', comment: 'public_key is null (an XRPL address alone cannot verify a signature)',
    type: 'XRPL', identifier: A.address, public_key: null, message: MSG_ASCII, signature: base, expected: 'INVALID_INPUT',
  });

  // Same account id, last checksum byte flipped, re-encoded in the XRPL base58 alphabet.
  const raw = XrplBase58.decode(A.address);
  assert(raw.length === 25 && raw[0] === 0, 'classic address layout');
  assert(XrplBase58.encode(raw) === A.address, 'base58 round trip');
  const bad = Uint8Array.from(raw);
  bad[24] ^= 1;
  const badAddr = XrplBase58.encode(bad);
  let threw = false;
  try { decodeAccountID(badAddr); } catch { threw = true; }
  assert(threw && !isValidClassicAddress(badAddr) && isValidClassicAddress(A.address), 'ripple-address-codec rejects the broken checksum');
  add({
    id: 'xrpl-bad-checksum', comment: 'the r-address with one bit of its 4-byte checksum flipped (account id unchanged)',
    type: 'XRPL', identifier: badAddr, public_key: A.publicKey, message: MSG_ASCII, signature: base, expected: 'CHECKSUM_MISMATCH',
  });
}

// ================================================================ FaceSign (raw ed25519 key, hex)

async function genFaceSign() {
  const kp = nacl.sign.keyPair.fromSeed(seed32('facesign/A'));
  const kpB = nacl.sign.keyPair.fromSeed(seed32('facesign/B'));
  const ident = toHex(kp.publicKey);
  const addChecked = (c) => {
    if (c.expected === 'valid' || c.expected === 'VERIFY_FAILED') {
      const ok = nacl.sign.detached.verify(utf8(c.message), fromHex(c.signature), fromHex(c.identifier));
      assert(ok === (c.expected === 'valid'), `${c.id}: tweetnacl verify`);
    }
    add(c);
  };
  const sigs = {};
  for (const m of MESSAGES) {
    const signature = toHex(nacl.sign.detached(utf8(m.text), kp.secretKey));
    sigs[m.key] = signature;
    addChecked({
      id: `facesign-${m.key}-valid`, comment: `tweetnacl sign.detached over the UTF-8 bytes; ${m.comment}`,
      type: 'FaceSign', identifier: ident, message: m.text, signature, expected: 'valid',
    });
  }
  const base = sigs.ascii;
  addChecked({
    id: 'facesign-wrong-message', comment: 'facesign-ascii-valid checked against a different message',
    type: 'FaceSign', identifier: ident, message: WRONG_MESSAGE, signature: base, expected: 'VERIFY_FAILED',
  });
  addChecked({
    id: 'facesign-other-signer', comment: 'signature by another key checked against the identifier',
    type: 'FaceSign', identifier: ident, message: MSG_ASCII, signature: toHex(nacl.sign.detached(utf8(MSG_ASCII), kpB.secretKey)), expected: 'VERIFY_FAILED',
  });
  add({
    id: 'facesign-identifier-31-bytes', comment: 'identifier of 62 hex chars (31 bytes) instead of 64',
    type: 'FaceSign', identifier: ident.slice(0, 62), message: MSG_ASCII, signature: base, expected: 'INVALID_LENGTH',
  });
}

// ================================================================ unknown type

function genUnsupported() {
  add({
    id: 'solana-unsupported', comment: "wallet type 'Solana' is not supported",
    type: 'Solana', identifier: '4Nd1mYvGkSfNbGbXw3j4jGXnqC9G9r3Jd7uQ3Mn5cTfA', message: MSG_ASCII,
    signature: '00'.repeat(64), expected: 'UNSUPPORTED',
  });
  add({
    id: 'solana-unsupported-empty-message', comment: "wallet type 'Solana' is not supported, whatever the message",
    type: 'Solana', identifier: '4Nd1mYvGkSfNbGbXw3j4jGXnqC9G9r3Jd7uQ3Mn5cTfA', message: '',
    signature: '11'.repeat(64), expected: 'UNSUPPORTED',
  });
}

// ================================================================ main

await genEvm();
await genNear();
assert(nearSignerCrossChecks === 6, 'KeyPairSigner cross-checked the ASCII NEP-413 cases');
await genStellar();
await genXrpl();
await genFaceSign();
genUnsupported();

const doc = {
  description:
    'Wallet signature test vectors made by the real wallet libraries from fixed keys and nonces. '
    + "expected is 'valid' (verifies) or the idOS error code name the case must fail with: "
    + "'VERIFY_FAILED' for a well-formed signature that does not verify, another code for malformed input. "
    + 'Messages are signed as their UTF-8 bytes, never normalised.',
  generator: 'tests/js/gen/wallet-vectors.mjs',
  libraries: Object.fromEntries(
    ['ethers', '@near-js/crypto', '@near-js/signers', 'borsh', '@stellar/stellar-sdk', 'ripple-keypairs', 'ripple-address-codec', 'tweetnacl']
      .map((n) => [n, libVersion(n)]),
  ),
  formats: {
    EVM: 'EIP-191 personal_sign; identifier 0x address (EIP-55, all-lowercase or all-uppercase); signature 0x + 130 lowercase hex r||s||v, v in {27,28} or {0,1}, low-S',
    NEAR: 'NEP-413: sha256(u32le(2147484061) || borsh{message,nonce[32],recipient,callbackUrl:Option<string>}) signed with ed25519; identifier ed25519:<base58>; nonce 64 lowercase hex; signature padded standard base64 of 64 bytes',
    Stellar: 'ed25519 over the UTF-8 message; identifier G... StrKey; signature 128 lowercase hex',
    XRPL: "ed25519 over the UTF-8 message; identifier r-address; public_key 'ED' + 64 uppercase hex as ripple-keypairs gives it; signature 128 lowercase hex",
    FaceSign: 'ed25519 over the UTF-8 message; identifier 64 lowercase hex public key; signature 128 lowercase hex',
  },
  cases,
};

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(doc, null, 2)}\n`);
const counts = {};
for (const c of cases) counts[c.type] = (counts[c.type] ?? 0) + 1;
console.log(`wrote ${OUT}: ${cases.length} cases`, counts);
