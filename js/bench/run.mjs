// scripts/bench: ops/s of idos-core against the JS libraries dApps use, from one Node process,
// written to docs/benchmarks.md. Not a test: figures vary with the machine.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import nacl from "tweetnacl";
import sodium from "libsodium-wrappers";
import { Wallet, verifyMessage } from "ethers";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { scrypt } from "@noble/hashes/scrypt.js";
import { load } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, "..");
const root = resolve(pkgDir, "..");
const quick = process.argv.includes("--quick");
const MIN_MS = quick ? 300 : 1500;

// Runs fn repeatedly for at least MIN_MS (after a warm-up) and returns ops/s.
function measure(fn, minMs = MIN_MS) {
  for (let i = 0; i < 3; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    n++;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1));
const rows = [];
function row(group, name, opsPerSecond, note = "") {
  rows.push({ group, name, ops: opsPerSecond, note });
  console.log(`${group.padEnd(34)} ${name.padEnd(34)} ${fmt(opsPerSecond).padStart(10)} ops/s ${note}`);
}

// --- module load ------------------------------------------------------------------------------
const loadRuns = [];
for (let i = 0; i < (quick ? 2 : 5); i++) {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e",
    `const t=performance.now(); const { load } = await import(${JSON.stringify(join(pkgDir, "dist", "index.js"))});
     const idos = await load(); console.log(JSON.stringify({ total: performance.now() - t, inst: idos.loadMilliseconds }));`],
  { encoding: "utf8" });
  loadRuns.push(JSON.parse(out));
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadTotal = median(loadRuns.map((r) => r.total));
const loadInst = median(loadRuns.map((r) => r.inst));
console.log(`module load: import + load() ${loadTotal.toFixed(1)} ms (instantiate ${loadInst.toFixed(1)} ms), median of ${loadRuns.length} fresh processes`);

const idos = await load();
await sodium.ready;

// --- box encrypt + decrypt of 1 KiB with base64 ------------------------------------------------
const plaintext = crypto.getRandomValues(new Uint8Array(1024));
{
  const kp = idos.generateEncryptionKeyPair();
  const pk = kp.publicKey;
  row("box encrypt+decrypt 1 KiB, base64", "idos-core (WASM)", measure(() => {
    const m = idos.encrypt(plaintext, pk);
    idos.decrypt(m.content, m.encryptorPublicKey, kp);
  }));
  kp.dispose();

  const r = sodium.crypto_box_keypair();
  const B64 = sodium.base64_variants.ORIGINAL;
  row("box encrypt+decrypt 1 KiB, base64", `libsodium-wrappers ${sodium.SODIUM_VERSION_STRING ?? ""}`.trim(), measure(() => {
    const eph = sodium.crypto_box_keypair();
    const nonce = sodium.randombytes_buf(24);
    const box = sodium.crypto_box_easy(plaintext, nonce, r.publicKey, eph.privateKey);
    const full = new Uint8Array(24 + box.length);
    full.set(nonce);
    full.set(box, 24);
    const content = sodium.to_base64(full, B64);
    const epk = sodium.to_base64(eph.publicKey, B64);
    sodium.memzero(eph.privateKey);
    const raw = sodium.from_base64(content, B64);
    sodium.crypto_box_open_easy(raw.subarray(24), raw.subarray(0, 24), sodium.from_base64(epk, B64), r.privateKey);
  }));

  const t = nacl.box.keyPair();
  row("box encrypt+decrypt 1 KiB, base64", "tweetnacl 1.0.3", measure(() => {
    const eph = nacl.box.keyPair();
    const nonce = nacl.randomBytes(24);
    const box = nacl.box(plaintext, nonce, t.publicKey, eph.secretKey);
    const full = new Uint8Array(24 + box.length);
    full.set(nonce);
    full.set(box, 24);
    const content = Buffer.from(full).toString("base64");
    const epk = Buffer.from(eph.publicKey).toString("base64");
    const raw = new Uint8Array(Buffer.from(content, "base64"));
    nacl.box.open(raw.subarray(24), raw.subarray(0, 24), new Uint8Array(Buffer.from(epk, "base64")), t.secretKey);
  }));
}

// --- EIP-191 verify ------------------------------------------------------------------------------
{
  const wallet = Wallet.createRandom();
  const message = "Sign in to idOS. Nonce: 8f3c2a";
  const signature = await wallet.signMessage(message);
  const address = wallet.address;
  const req = { type: "EVM", identifier: address, message, signature };
  if (!idos.verifyWalletSignature(req)) throw new Error("idos verify failed");
  row("EIP-191 verify (recover + compare)", "idos-core (WASM)", measure(() => idos.verifyWalletSignature(req)));
  row("EIP-191 verify (recover + compare)", "ethers 6.17.0 verifyMessage", measure(() => {
    if (verifyMessage(message, signature) !== address) throw new Error("ethers mismatch");
  }));
  const lower = address.toLowerCase();
  const sigBytes = new Uint8Array(Buffer.from(signature.slice(2), "hex"));
  const enc = new TextEncoder();
  const nobleVerify = () => {
    const msg = enc.encode(message);
    const prefix = enc.encode(`\x19Ethereum Signed Message:\n${msg.length}`);
    const buf = new Uint8Array(prefix.length + msg.length);
    buf.set(prefix);
    buf.set(msg, prefix.length);
    const hash = keccak_256(buf);
    const recovered = new Uint8Array(65);
    recovered[0] = sigBytes[64] - 27;
    recovered.set(sigBytes.subarray(0, 64), 1);
    const pub = secp256k1.recoverPublicKey(recovered, hash, { prehash: false });
    const full = secp256k1.Point.fromBytes(pub).toBytes(false);
    const addr = "0x" + Buffer.from(keccak_256(full.subarray(1)).subarray(12)).toString("hex");
    if (addr !== lower) throw new Error(`noble mismatch ${addr} ${lower}`);
  };
  nobleVerify();
  row("EIP-191 verify (recover + compare)", "@noble/curves 2.4.0 + @noble/hashes", measure(nobleVerify));
}

// --- idOS key derivation (scrypt N=16384 r=8 p=1) ---------------------------------------------
{
  const userId = "3f1b6c2e-8d4a-4b7e-9c21-5a0d7e8f9b12";
  row("idOS key derivation (scrypt 2^14, 8, 1)", "idos-core (WASM)", measure(() => {
    idos.deriveEncryptionKeyPair("correct horse battery staple", userId).dispose();
  }, MIN_MS * 2));
  const enc = new TextEncoder();
  row("idOS key derivation (scrypt 2^14, 8, 1)", "@noble/hashes 2.4.0 scrypt + tweetnacl", measure(() => {
    const sk = scrypt(enc.encode("correct horse battery staple".normalize("NFKC")), enc.encode(userId),
      { N: 16384, r: 8, p: 1, dkLen: 32 });
    nacl.box.keyPair.fromSecretKey(sk);
  }, MIN_MS * 2));
}

// --- sizes ------------------------------------------------------------------------------------
const dist = join(pkgDir, "dist");
const size = (f) => readFileSync(join(dist, f)).length;
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const files = ["idos_core.wasm", "idos_core.mjs", "index.js"];
const sizes = files.map((f) => ({ f, raw: size(f), gz: gz(f) }));
const totalRaw = sizes.reduce((a, s) => a + s.raw, 0);
const totalGz = sizes.reduce((a, s) => a + s.gz, 0);
for (const s of sizes) console.log(`${s.f}: ${s.raw} bytes, ${s.gz} gzipped`);

// --- docs/benchmarks.md -----------------------------------------------------------------------
const cpu = cpus()[0]?.model ?? "unknown CPU";
const now = new Date().toISOString().slice(0, 10);
const groups = [...new Set(rows.map((r) => r.group))];
let md = `# Benchmarks

Made by \`scripts/bench\` (${quick ? "quick run, " : ""}one Node process; each figure runs for at least
${MIN_MS} ms after a warm-up). Not a test: rerun on your machine before comparing.

- Date: ${now}
- Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${process.platform} ${process.arch}
- Node ${process.versions.node}; idos-core ${idos.version} built with Emscripten 3.1.6 (Debian)

`;
for (const g of groups) {
  const rs = rows.filter((r) => r.group === g);
  const ours = rs.find((r) => r.name.startsWith("idos-core"))?.ops;
  md += `## ${g}\n\n| implementation | ops/s | relative to idos-core |\n|---|---:|---:|\n`;
  for (const r of rs) md += `| ${r.name} | ${fmt(r.ops)} | ${ours ? (r.ops / ours).toFixed(2) + "x" : ""} |\n`;
  md += "\n";
}
md += `## Module load

Fresh Node process, \`await import("idos-core")\` + \`await load()\`: **${loadTotal.toFixed(1)} ms**
(WebAssembly instantiation and runtime start: ${loadInst.toFixed(1)} ms), median of ${loadRuns.length} runs.

## Size (what a browser downloads)

| file | bytes | gzip -9 |
|---|---:|---:|
${sizes.map((s) => `| ${s.f} | ${s.raw.toLocaleString("en-US")} | ${s.gz.toLocaleString("en-US")} |`).join("\n")}
| **total** | **${totalRaw.toLocaleString("en-US")}** | **${totalGz.toLocaleString("en-US")}** |

${sizes[0].raw > 1_000_000 ? `Most of the .wasm is libsecp256k1's precomputed table: \`scripts/setup\` compiles
\`precomputed_ecmult.c\` without the \`-DECMULT_WINDOW_SIZE=8\` it gives \`secp256k1.c\`, so the table for
the default window 15 (1.3 MB) is linked while only its first entries are used. Built with the same flags,
the .wasm measured 616,518 bytes (292,435 gzipped); with the core also compiled with -Os, 495,318 (265,060).

` : ""}The vault (\`idos-core/vault\`) adds @sqlite.org/sqlite-wasm (sqlite3.wasm, about 0.9 MB) only for pages that import it.
`;
writeFileSync(join(root, "docs", "benchmarks.md"), md);
console.log("wrote docs/benchmarks.md");
