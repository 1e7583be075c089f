// Authorisation matrix: every endpoint called as the owner, the grantee, a stranger (a registered
// user with no rights), unauthenticated, with a replayed nonce and with a stale (and a future)
// timestamp. Plus signed requests that do not match the request they came with.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  idos, startNode, call, evmWallet, faceSignWallet, createUser, makeCredential, makeDwg, makeDag,
  signedRequestHeader, nowSeconds, uuid, hex, rfc3339,
} from "./helpers.mjs";

let m, node;
const owner = evmWallet();
const grantee = evmWallet();
const stranger = faceSignWallet();
const s = {};

before(async () => {
  m = await idos();
  node = await startNode({ args: ["--rate-limit", "0"] });
  const o = await createUser(node, owner);
  const g = await createUser(node, grantee);
  const x = await createUser(node, stranger);
  for (const r of [o, g, x]) assert.equal(r.response.status, 201, r.response.text);
  s.ownerId = o.userId;
  s.ownerKey = o.encryption;
  s.granteeKey = g.encryption;
  s.issuer = m.generateEd25519KeyPair();
  s.plaintext = "matrix plaintext";
  const credential = await makeCredential({ userId: s.ownerId, plaintext: s.plaintext, recipientPublicKey: s.ownerKey.publicKey });
  const put = await call(node, "POST", "/v1/credentials", { wallet: owner, body: { credential } });
  assert.equal(put.status, 201, put.text);
  s.credential = credential;
  s.grants = [];
  // Shared copies with revocable grants (locked_until 0) for the grantee.
  for (let i = 0; i < 2; i++) {
    const copy = freshCopy();
    const r = await call(node, "POST", "/v1/shares", {
      wallet: owner, body: { shared_copy: copy.credential, original_id: s.credential.id, grantee: grantee.identifier, locked_until: 0, content_hash: copy.content_hash },
    });
    assert.equal(r.status, 201, r.text);
    s.grants.push(r.body.grant);
  }
});
after(async () => { if (node) await node.stop(); });

function freshCopy() {
  return m.makeSharedCopy({ copyId: uuid(), userId: s.ownerId, plaintext: s.plaintext, granteePublicKey: s.granteeKey.publicKey });
}

function addWalletBody(newWallet, forUserId) {
  const issuedAt = rfc3339(nowSeconds());
  const message = ["operation: addWallet", `user_id: ${forUserId}`, `wallet_type: ${newWallet.type}`,
    `wallet: ${newWallet.identifier}`, `issued_at: ${issuedAt}`].join("\n");
  return { wallet_type: newWallet.type, wallet_identifier: newWallet.identifier, issued_at: issuedAt, signature: newWallet.signSync(message) };
}

// Each endpoint: a request factory (fresh ids per call) and the expected status per role.
// Roles: owner, grantee, stranger, anonymous (no signed request). The public explorer is open.
const endpoints = [
  { name: "GET /v1/users/me", req: async () => ({ method: "GET", path: "/v1/users/me" }),
    expect: { owner: 200, grantee: 200, stranger: 200, anonymous: 401 } },
  { name: "POST /v1/users (already registered)", req: async () => ({ method: "POST", path: "/v1/users", body: {} }),
    expect: { owner: 403, grantee: 403, stranger: 403, anonymous: 401 } },
  { name: "POST /v1/users/me/wallets (proof bound to the owner's user id)",
    req: async () => ({ method: "POST", path: "/v1/users/me/wallets", body: addWalletBody(faceSignWallet(), s.ownerId) }),
    expect: { owner: 201, grantee: 400, stranger: 400, anonymous: 401 } },
  { name: "POST /v1/credentials (the owner's credential)",
    req: async () => ({ method: "POST", path: "/v1/credentials",
      body: { credential: await makeCredential({ userId: s.ownerId, plaintext: "x", recipientPublicKey: s.ownerKey.publicKey }) } }),
    expect: { owner: 201, grantee: 403, stranger: 403, anonymous: 401 } },
  { name: "GET /v1/credentials", req: async () => ({ method: "GET", path: "/v1/credentials" }),
    expect: { owner: 200, grantee: 200, stranger: 200, anonymous: 401 },
    check: (role, r) => { if (role !== "owner") assert.ok(!r.body.credentials.some((c) => c.user_id === s.ownerId)); } },
  { name: "GET /v1/credentials/{id}", req: async () => ({ method: "GET", path: `/v1/credentials/${s.credential.id}` }),
    expect: { owner: 200, grantee: 403, stranger: 403, anonymous: 401 } },
  { name: "POST /v1/credentials/dwg (the owner's DWG authorises any issuer wallet)",
    req: async () => {
      const copy = freshCopy();
      const dwg = await makeDwg({ owner, grantee: grantee.identifier, issuerPublicKeyHex: hex(s.issuer.publicKey), timelock: 0 });
      const credential = await makeCredential({ userId: s.ownerId, plaintext: s.plaintext, recipientPublicKey: s.ownerKey.publicKey, issuer: s.issuer });
      return { method: "POST", path: "/v1/credentials/dwg", body: { dwg, credential, shared_copy: copy.credential, content_hash: copy.content_hash } };
    },
    expect: { owner: 201, grantee: 201, stranger: 201, anonymous: 401 } },
  { name: "POST /v1/shares (a copy of the owner's)",
    req: async () => {
      const copy = freshCopy();
      return { method: "POST", path: "/v1/shares",
        body: { shared_copy: copy.credential, original_id: s.credential.id, grantee: grantee.identifier, locked_until: 0, content_hash: copy.content_hash } };
    },
    expect: { owner: 201, grantee: 403, stranger: 403, anonymous: 401 } },
  { name: "GET /v1/shared/{data_id}", req: async () => ({ method: "GET", path: `/v1/shared/${s.grants[0].data_id}` }),
    expect: { owner: 403, grantee: 200, stranger: 403, anonymous: 401 } },
  { name: "GET /v1/shared/{unknown id}", req: async () => ({ method: "GET", path: `/v1/shared/${uuid()}` }),
    expect: { owner: 403, grantee: 403, stranger: 403, anonymous: 401 } },
  { name: "GET /v1/grants?role=owner", req: async () => ({ method: "GET", path: "/v1/grants?role=owner" }),
    expect: { owner: 200, grantee: 200, stranger: 200, anonymous: 401 },
    check: (role, r) => { assert.equal(r.body.grants.some((g) => g.owner === s.ownerId), role === "owner"); } },
  { name: "GET /v1/grants?role=grantee", req: async () => ({ method: "GET", path: "/v1/grants?role=grantee" }),
    expect: { owner: 200, grantee: 200, stranger: 200, anonymous: 401 },
    check: (role, r) => { assert.equal(r.body.grants.length > 0, role === "grantee"); } },
  { name: "POST /v1/grants/dag (the owner's DAG, submitted by anyone)",
    req: async () => ({ method: "POST", path: "/v1/grants/dag",
      body: { dag: await makeDag({ owner, grantee: evmWallet().identifier, dataId: s.grants[0].data_id, contentHash: s.grants[0].content_hash }) } }),
    expect: { owner: 201, grantee: 201, stranger: 201, anonymous: 401 } },
  { name: "POST /v1/grants/dag (signed by the stranger for the owner's wallet)",
    req: async () => {
      const dag = await makeDag({ owner, grantee: evmWallet().identifier, dataId: s.grants[0].data_id, contentHash: s.grants[0].content_hash });
      const fields = { owner_wallet_identifier: owner.identifier, grantee_wallet_identifier: dag.grantee_wallet_identifier,
        data_id: dag.data_id, locked_until: 0, content_hash: dag.content_hash };
      dag.signature = await evmWallet().sign(m.delegatedAccessGrantMessage(fields));
      return { method: "POST", path: "/v1/grants/dag", body: { dag } };
    },
    expect: { owner: 400, grantee: 400, stranger: 400, anonymous: 401 } },
  { name: "DELETE /v1/grants/{id}", req: async () => ({ method: "DELETE", path: `/v1/grants/${s.grants[1].id}` }),
    order: ["anonymous", "grantee", "stranger", "owner"],
    expect: { owner: 200, grantee: 403, stranger: 403, anonymous: 401 } },
  { name: "GET /v1/public/grants", req: async () => ({ method: "GET", path: `/v1/public/grants?owner=${s.ownerId}` }),
    expect: { owner: 200, grantee: 200, stranger: 200, anonymous: 200 } },
];

const wallets = () => ({ owner, grantee, stranger, anonymous: undefined });

for (const ep of endpoints) {
  test(`matrix: ${ep.name}`, async () => {
    for (const role of ep.order ?? ["owner", "grantee", "stranger", "anonymous"]) {
      const q = await ep.req();
      const r = await call(node, q.method, q.path, { body: q.body, wallet: wallets()[role] });
      assert.equal(r.status, ep.expect[role], `${role}: ${r.text}`);
      if (r.status >= 400) assert.equal(typeof r.body.code, "string", `${role}: error body has a code`);
      if (r.status === 401) assert.equal(r.body.code, "FORBIDDEN");
      if (ep.check && r.status === 200) ep.check(role, r);
    }
  });
}

// Replay, stale and future timestamps, for every authenticated endpoint (as the owner).
for (const ep of endpoints.filter((e) => e.expect.anonymous === 401)) {
  test(`replay and freshness: ${ep.name}`, async () => {
    const q = await ep.req();
    const raw = q.body === undefined ? "" : JSON.stringify(q.body);
    const header = await signedRequestHeader(owner, q.method, q.path, raw);
    const first = await call(node, q.method, q.path, { body: raw, header });
    assert.notEqual(first.status, 401, first.text);
    const replay = await call(node, q.method, q.path, { body: raw, header });
    if (q.method === "GET") {
      assert.equal(replay.status, 401);
      assert.equal(replay.body.code, "REPLAYED");
    } else {
      // A write's identical retry is the caller's own (docs/cluster.md): the first answer again,
      // same log position and receipts, applied once.
      assert.equal(replay.status, first.status, replay.text);
      assert.deepEqual(replay.body, first.body);
      // Another request with the same nonce is still a replay.
      const nonce = JSON.parse(Buffer.from(header, "base64").toString()).nonce;
      const other = await call(node, q.method, q.path, { body: raw, wallet: owner, sign: { nonce, issuedAt: rfc3339(nowSeconds() - 5) } });
      assert.equal(other.status, 401, other.text);
      assert.equal(other.body.code, "REPLAYED");
    }
    const stale = await call(node, q.method, q.path, { body: raw, wallet: owner, sign: { issuedAt: rfc3339(nowSeconds() - 301) } });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.code, "EXPIRED");
    const future = await call(node, q.method, q.path, { body: raw, wallet: owner, sign: { issuedAt: rfc3339(nowSeconds() + 120) } });
    assert.equal(future.status, 401);
    assert.equal(future.body.code, "NOT_YET_VALID");
  });
}

test("a signed request only authenticates the request it describes", async () => {
  const body = JSON.stringify({});
  const cases = [
    ["another path", await signedRequestHeader(owner, "GET", "/v1/credentials", ""), "GET", "/v1/users/me", "", "MISMATCH"],
    ["another query", await signedRequestHeader(owner, "GET", "/v1/grants?role=owner", ""), "GET", "/v1/grants?role=grantee", "", "MISMATCH"],
    ["another method", await signedRequestHeader(owner, "POST", "/v1/users/me", ""), "GET", "/v1/users/me", "", "MISMATCH"],
    ["another body", await signedRequestHeader(owner, "POST", "/v1/users", "{\"user_id\":null}"), "POST", "/v1/users", body, "MISMATCH"],
    ["signed by another wallet", await signedRequestHeader(owner, "GET", "/v1/users/me", "", { after: { signature: await stranger.sign("x") } }),
      "GET", "/v1/users/me", "", "INVALID_SIGNATURE"],
    ["claims another wallet", await signedRequestHeader(stranger, "GET", "/v1/users/me", "", { after: { caller_wallet_identifier: grantee.identifier, caller_wallet_type: "EVM" } }),
      "GET", "/v1/users/me", "", null],
    ["not base64", "%%%", "GET", "/v1/users/me", "", "INVALID_ENCODING"],
    ["not JSON", Buffer.from("nope").toString("base64"), "GET", "/v1/users/me", "", "INVALID_JSON"],
    ["unknown member", await signedRequestHeader(owner, "GET", "/v1/users/me", "", { after: { extra: 1 } }), "GET", "/v1/users/me", "", "INVALID_INPUT"],
  ];
  for (const [what, header, method, path, raw, code] of cases) {
    const r = await call(node, method, path, { header, body: raw });
    assert.equal(r.status, 401, `${what}: ${r.text}`);
    if (code) assert.equal(r.body.code, code, what);
    else assert.equal(typeof r.body.code, "string", what);
  }
  // A wrong-but-well-formed signature from the right key type.
  const forged = await signedRequestHeader(owner, "GET", "/v1/users/me", "", { after: { signature: await evmWallet().sign("other") } });
  const r = await call(node, "GET", "/v1/users/me", { header: forged });
  assert.equal(r.status, 401);
  assert.equal(r.body.code, "VERIFY_FAILED");
});

test("per-wallet rate limit answers 429 with Retry-After", async () => {
  const limited = await startNode({ args: ["--rate-limit", "1", "--rate-burst", "2"] });
  try {
    const w = faceSignWallet();
    const other = faceSignWallet();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(limited, "GET", "/v1/grants?role=grantee", { wallet: w })).status);
    assert.deepEqual(statuses.slice(0, 2), [200, 200]);
    const last = await call(limited, "GET", "/v1/grants?role=grantee", { wallet: w });
    assert.equal(last.status, 429);
    assert.equal(last.body.code, "RATE_LIMITED");
    assert.ok(Number(last.headers.get("retry-after")) >= 1);
    // Another wallet has its own budget.
    assert.equal((await call(limited, "GET", "/v1/grants?role=grantee", { wallet: other })).status, 200);
    const metrics = await call(limited, "GET", "/metrics");
    assert.match(metrics.text, /idos_node_rate_limited_total [1-9]/);
  } finally {
    await limited.stop();
  }
});
