// Generates tests/vectors/crypto_interop.json: idOS key derivation (scrypt), NaCl box and sealed
// box, and Ed25519 vectors, made by the libraries idOS and its wallets use (scrypt-js, tweetnacl,
// libsodium-wrappers), cross-checked against a second implementation where there is one
// (@noble/hashes scrypt, libsodium vs tweetnacl). All inputs are fixed, so re-running gives a
// byte-identical file.
//
// Run: cd tests/js && node gen/crypto-interop-vectors.mjs

import { createHash } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import scryptJs from 'scrypt-js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import naclModule from 'tweetnacl';
import sodiumModule from 'libsodium-wrappers';
import { libVersion, assert, utf8, toHex, fromHex, b64, JS_ROOT } from './common.mjs';

const nacl = naclModule.default ?? naclModule;
const sodium = sodiumModule.default ?? sodiumModule;
await sodium.ready;

const OUT = join(JS_ROOT, '..', 'vectors', 'crypto_interop.json');

const eq = (a, b) => toHex(a) === toHex(b);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
// Fixed bytes named by a label: SHA-256 blocks of "idos-core/test-vectors/<label>/<i>".
function fixedBytes(label, len) {
  const blocks = [];
  for (let i = 0; blocks.length * 32 < len; i++) {
    blocks.push(new Uint8Array(createHash('sha256').update(`idos-core/test-vectors/${label}/${i}`).digest()));
  }
  return concat(...blocks).subarray(0, len);
}
const patternBytes = (len) => Uint8Array.from({ length: len }, (_, i) => (i * 7 + 3) & 0xff);

// ================================================================ idOS key derivation

const SCRYPT = { N: 16384, r: 8, p: 1, dkLen: 32 };
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function genKeyDerivation() {
  const inputs = [
    { password: 'correct horse battery staple', user_id: '3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12', comment: 'ASCII password' },
    { password: '\uFB01nance-p\u00E4ss', user_id: 'a7c3e9d1-2b4f-4e6a-8d0c-1f2e3d4c5b6a', comment: "password with the U+FB01 'fi' ligature: NFKC turns it into 'fi'" },
    { password: 'A\u030Angstro\u0308m', user_id: '0e4d2c1b-9a8f-4e7d-b6c5-4a3b2c1d0e9f', comment: 'decomposed A + U+030A and o + U+0308: NFKC composes them (same key as the next case)' },
    { password: '\u00C5ngstr\u00F6m', user_id: '0e4d2c1b-9a8f-4e7d-b6c5-4a3b2c1d0e9f', comment: 'precomposed U+00C5 and U+00F6: already NFKC (same key as the previous case)' },
    { password: '', user_id: 'c9b8a7f6-e5d4-4c3b-a291-8f7e6d5c4b3a', comment: 'empty password (scrypt allows it)' },
    { password: '\uFF50\uFF41\uFF53\uFF53 \u{1F511} \u5BC6\u7801 \u30D1\u30B9\u30EF\u30FC\u30C9', user_id: '5d6e7f80-91a2-4b3c-8d4e-5f60718293a4', comment: 'fullwidth Latin (NFKC folds to ASCII), an emoji, CJK and katakana' },
  ];
  const cases = [];
  for (const [i, inp] of inputs.entries()) {
    assert(UUID_V4.test(inp.user_id), 'user id is a lowercase UUID v4');
    const nfkc = inp.password.normalize('NFKC');
    const pw = utf8(nfkc);
    const salt = utf8(inp.user_id);
    const secret = await scryptJs.scrypt(pw, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.dkLen);
    const noble = nobleScrypt(pw, salt, SCRYPT);
    assert(eq(secret, noble), `scrypt-js == @noble/hashes scrypt (${i})`);
    const pub = nacl.box.keyPair.fromSecretKey(Uint8Array.from(secret)).publicKey;
    assert(eq(pub, sodium.crypto_scalarmult_base(Uint8Array.from(secret))), 'tweetnacl public key == libsodium scalarmult_base');
    cases.push({
      id: `kdf-${i + 1}`,
      comment: inp.comment,
      password: inp.password,
      password_nfkc: nfkc,
      user_id: inp.user_id,
      secret_key_hex: toHex(secret),
      public_key_hex: toHex(pub),
    });
  }
  assert(inputs[1].password !== inputs[1].password.normalize('NFKC'), 'ligature is NFKC-sensitive');
  assert(inputs[2].password !== inputs[3].password && cases[2].password_nfkc === cases[3].password_nfkc, 'composed/decomposed');
  assert(cases[2].secret_key_hex === cases[3].secret_key_hex, 'composed and decomposed derive the same key');
  return {
    description:
      'idOS password key derivation: secret_key = scrypt(UTF-8(NFKC(password)), salt = UTF-8(user_id as text), '
      + 'N=16384, r=8, p=1, dkLen=32) by scrypt-js (checked equal with @noble/hashes scrypt); '
      + 'public_key = X25519 base-point multiple (tweetnacl nacl.box.keyPair.fromSecretKey). '
      + 'password is the raw string before normalisation, password_nfkc after.',
    params: { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, dkLen: SCRYPT.dkLen, normalization: 'NFKC' },
    cases,
  };
}

// ================================================================ box / sealed box

function genBox() {
  const recipient = nacl.box.keyPair.fromSecretKey(fixedBytes('box/recipient', 32));
  const plaintexts = [
    { key: 'empty', bytes: new Uint8Array(0), comment: 'empty plaintext (box output is the 16-byte MAC only)' },
    { key: '1-byte', bytes: Uint8Array.of(0x2a), comment: '1-byte plaintext' },
    { key: '1kib', bytes: patternBytes(1024), comment: '1024-byte plaintext, byte i = (7i + 3) mod 256' },
    {
      key: 'unicode',
      bytes: utf8('{"name":"Jos\u00E9 M\u00FCller","city":"\u6771\u4EAC","note":"\u{1F510} caf\u00E9"}'),
      comment: 'UTF-8 JSON text with accents, CJK and an emoji',
    },
  ];
  const boxCases = plaintexts.map((pt, i) => {
    const sender = nacl.box.keyPair.fromSecretKey(fixedBytes(`box/sender/${i}`, 32)); // ephemeral key of this message
    const nonce = fixedBytes(`box/nonce/${i}`, nacl.box.nonceLength);
    const boxed = nacl.box(pt.bytes, nonce, recipient.publicKey, sender.secretKey);
    assert(boxed.length === pt.bytes.length + nacl.box.overheadLength, 'mac(16) || ciphertext');
    // libsodium's crypto_box_easy gives the same bytes; both open it.
    assert(eq(boxed, sodium.crypto_box_easy(pt.bytes, nonce, recipient.publicKey, sender.secretKey)), 'tweetnacl box == libsodium crypto_box_easy');
    assert(eq(nacl.box.open(boxed, nonce, sender.publicKey, recipient.secretKey), pt.bytes), 'tweetnacl opens');
    assert(eq(sodium.crypto_box_open_easy(boxed, nonce, sender.publicKey, recipient.secretKey), pt.bytes), 'libsodium opens');
    return {
      id: `box-${pt.key}`,
      comment: pt.comment,
      recipient_secret_hex: toHex(recipient.secretKey),
      recipient_public_hex: toHex(recipient.publicKey),
      sender_secret_hex: toHex(sender.secretKey),
      sender_public_hex: toHex(sender.publicKey),
      nonce_hex: toHex(nonce),
      plaintext_hex: toHex(pt.bytes),
      content_base64: b64(concat(nonce, boxed)),
    };
  });

  // Sealed boxes. crypto_box_seal draws a fresh ephemeral key pair, so its output is random; to keep
  // the file reproducible the ephemeral key pair is fixed and the seal is made with libsodium's own
  // primitives in the crypto_box_seal layout: epk || crypto_box_easy(m, blake2b-192(epk || rpk), rpk, esk).
  // Each sealed box is opened by libsodium's crypto_box_seal_open, and a real (random) crypto_box_seal
  // output is opened with the same layout, so the two agree.
  const sealRecipient = sodium.crypto_box_seed_keypair(fixedBytes('sealed/recipient', 32));
  const sealInputs = [
    { key: 'empty', bytes: new Uint8Array(0), comment: 'empty plaintext (48 bytes: epk || MAC)' },
    { key: 'ascii', bytes: utf8('idOS sealed box test vector'), comment: 'ASCII plaintext' },
    { key: '1kib', bytes: patternBytes(1024), comment: '1024-byte plaintext, byte i = (7i + 3) mod 256' },
    { key: 'unicode', bytes: utf8('\u{1F510} \u6570\u636E caf\u00E9 e\u0301'), comment: 'UTF-8 text with an emoji, CJK and a combining mark' },
  ];
  const sealNonce = (epk, rpk) => sodium.crypto_generichash(sodium.crypto_box_NONCEBYTES, concat(epk, rpk), null);
  const sealedCases = sealInputs.map((pt, i) => {
    const eph = sodium.crypto_box_seed_keypair(fixedBytes(`sealed/ephemeral/${i}`, 32));
    const sealed = concat(eph.publicKey, sodium.crypto_box_easy(pt.bytes, sealNonce(eph.publicKey, sealRecipient.publicKey), sealRecipient.publicKey, eph.privateKey));
    assert(sealed.length === pt.bytes.length + sodium.crypto_box_SEALBYTES, 'sealed length');
    assert(eq(sodium.crypto_box_seal_open(sealed, sealRecipient.publicKey, sealRecipient.privateKey), pt.bytes), 'libsodium crypto_box_seal_open opens it');
    const real = sodium.crypto_box_seal(pt.bytes, sealRecipient.publicKey);
    const realEpk = real.subarray(0, 32);
    const opened = sodium.crypto_box_open_easy(real.subarray(32), sealNonce(realEpk, sealRecipient.publicKey), realEpk, sealRecipient.privateKey);
    assert(eq(opened, pt.bytes), 'crypto_box_seal output has the same layout');
    return {
      id: `sealed-${pt.key}`,
      comment: pt.comment,
      recipient_secret_hex: toHex(sealRecipient.privateKey),
      recipient_public_hex: toHex(sealRecipient.publicKey),
      ephemeral_secret_hex: toHex(eph.privateKey),
      ephemeral_public_hex: toHex(eph.publicKey),
      plaintext_hex: toHex(pt.bytes),
      sealed_base64: b64(sealed),
    };
  });

  return {
    box: {
      description:
        'NaCl crypto_box (X25519 + XSalsa20-Poly1305) by tweetnacl nacl.box(message, nonce, recipient_public, sender_secret) '
        + '(identical to libsodium crypto_box_easy). content_base64 = standard padded base64 of nonce(24) || box output, '
        + 'where box output = MAC(16) || ciphertext as tweetnacl returns it. sender_* is the ephemeral key.',
      cases: boxCases,
    },
    sealed_box: {
      description:
        'libsodium crypto_box_seal layout: sealed = ephemeral_public(32) || crypto_box_easy(m, nonce = BLAKE2b-192(ephemeral_public || recipient_public), '
        + 'recipient_public, ephemeral_secret). The ephemeral key is fixed for reproducibility (crypto_box_seal draws a random one); '
        + 'every case opens with libsodium crypto_box_seal_open. sealed_base64 is standard padded base64.',
      cases: sealedCases,
    },
  };
}

// ================================================================ ed25519

function genEd25519() {
  const inputs = [
    {
      // RFC 8032 section 7.1, TEST 1 and TEST 2: checked against the published values.
      seed: fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'), message: new Uint8Array(0),
      comment: 'RFC 8032 7.1 TEST 1 (empty message)',
      expect: { pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b' },
    },
    {
      seed: fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb'), message: Uint8Array.of(0x72),
      comment: 'RFC 8032 7.1 TEST 2 (1-byte message)',
      expect: { pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00' },
    },
    { seed: fixedBytes('ed25519/1', 32), message: utf8('Sign in to idOS'), comment: 'ASCII message' },
    { seed: fixedBytes('ed25519/2', 32), message: utf8('\u{1F510} \u6570\u636E\u4E3B\u6743 cafe\u0301'), comment: 'UTF-8 message with an emoji, CJK and a combining mark' },
    { seed: fixedBytes('ed25519/3', 32), message: patternBytes(1024), comment: '1024-byte message, byte i = (7i + 3) mod 256' },
  ];
  const cases = inputs.map((inp, i) => {
    const kp = nacl.sign.keyPair.fromSeed(inp.seed);
    const sig = nacl.sign.detached(inp.message, kp.secretKey);
    assert(nacl.sign.detached.verify(inp.message, sig, kp.publicKey), 'tweetnacl verifies');
    assert(eq(sig, sodium.crypto_sign_detached(inp.message, kp.secretKey)), 'tweetnacl == libsodium crypto_sign_detached');
    if (inp.expect) {
      assert(toHex(kp.publicKey) === inp.expect.pub && toHex(sig) === inp.expect.sig, `RFC 8032 vector ${i + 1}`);
    }
    return {
      id: `ed25519-${i + 1}`,
      comment: inp.comment,
      seed_hex: toHex(inp.seed),
      public_hex: toHex(kp.publicKey),
      message_hex: toHex(inp.message),
      signature_hex: toHex(sig),
    };
  });
  return {
    description: 'Ed25519 (RFC 8032) by tweetnacl nacl.sign.keyPair.fromSeed + nacl.sign.detached (checked equal with libsodium crypto_sign_detached).',
    cases,
  };
}

// ================================================================ main

const kdf = await genKeyDerivation();
const { box, sealed_box } = genBox();
const ed25519 = genEd25519();

const doc = {
  description:
    'Crypto interop vectors for the idOS core: password key derivation, NaCl box and sealed box, Ed25519. '
    + 'Made by the JavaScript libraries idOS uses, from fixed inputs; byte fields are lowercase hex unless named *_base64.',
  generator: 'tests/js/gen/crypto-interop-vectors.mjs',
  libraries: {
    'scrypt-js': libVersion('scrypt-js'),
    '@noble/hashes': libVersion('@noble/hashes'),
    tweetnacl: libVersion('tweetnacl'),
    'libsodium-wrappers': libVersion('libsodium-wrappers'),
    libsodium: sodium.SODIUM_VERSION_STRING,
  },
  idos_key_derivation: kdf,
  box,
  sealed_box,
  ed25519,
};

mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`wrote ${OUT}: idos_key_derivation ${kdf.cases.length}, box ${box.cases.length}, sealed_box ${sealed_box.cases.length}, ed25519 ${ed25519.cases.length}`);
