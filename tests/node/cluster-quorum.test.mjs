// The test 8: quorum receipts in the client (idos-core/client, docs/js.md). A network of
// 3 nats-servers and 3 idos-nodes on 127.0.0.1, started here and stopped at the end. A client with
// `baseUrls` and `minReceipts: 2` resolves a write only when two distinct permitted nodes signed
// an OK entry with one state hash at its log position; an entry of a node key that is not
// permitted, a replayed or altered entry does not count; a write fails over to the next node when
// the first is down or its answer is lost (the identical bytes, applied once); reads fail over too.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, idos, faceSignWallet, makeCredential, canonicalSha, uuid } from "./helpers.mjs";
import { startNetwork } from "../../scripts/cluster.d/cluster.mjs";

const { NodeClient } = await import(pathToFileURL(path.join(ROOT, "js/dist/client.js")).href);
const { IdosError } = await import(pathToFileURL(path.join(ROOT, "js/dist/index.js")).href);

let network, m;
const urls = () => network.nodes.map((n) => n.url);
const ids = () => network.nodes.map((n) => n.nodeId);
const failsWith = (code) => (e) => e instanceof IdosError && e.code === code;

before(async () => {
  m = await idos();
  network = await startNetwork({ servers: 3, nodes: 3 });
});
after(async () => {
  if (network) await network.stop();
});

// The signed bytes as docs/spec/receipts.md writes them (an oracle independent of the core's
// builder), checked with the node id as the Ed25519 key.
function signedByItsNode(e) {
  const message = `idos-log-entry/v1\nnode_id: ${e.node_id}\nposition: ${e.position}\nlog_time: ${e.log_time}\n` +
    `tx_sha256: ${e.tx_sha256}\nresult: ${e.result}\nstate_hash: ${e.state_hash}\n`;
  return m.ed25519Verify(message, m.fromHex(e.signature), m.fromHex(e.node_id));
}

async function newUser(client) {
  const wallet = faceSignWallet();
  const enc = m.generateEncryptionKeyPair();
  const userId = uuid();
  await client.createUser(wallet, { userId, encryptionPublicKey: enc.publicKey });
  return { wallet, userId, enc };
}

const credentialOf = (u, text = "quorum") =>
  makeCredential({ userId: u.userId, plaintext: text, recipientPublicKey: u.enc.publicKey });

test("8. minReceipts: 2 resolves with the signed entries of two distinct permitted nodes at the write's position", async () => {
  const client = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids(), minReceipts: 2 });
  const u = await newUser(client);
  const credential = await credentialOf(u);
  const put = await client.putCredential(u.wallet, credential);
  const position = put.receipts[0].log_position;
  assert.equal(put.quorum.position, position);
  assert.ok(put.quorum.nodes >= 2 && put.logEntries.length === put.quorum.nodes, JSON.stringify(put.quorum));
  const signers = new Set(put.logEntries.map((e) => e.node_id));
  assert.equal(signers.size, put.logEntries.length, "distinct nodes");
  for (const e of put.logEntries) {
    assert.ok(ids().includes(e.node_id));
    assert.equal(e.position, position);
    assert.equal(e.result, "OK");
    assert.equal(e.state_hash, put.quorum.stateHash);
    assert.ok(signedByItsNode(e), "the entry's signature, checked against the spec's bytes");
    assert.equal(m.validate("node_log_entry", e, 0), true, "the core's verdict");
    assert.throws(() => m.validate("node_log_entry", { ...e, state_hash: "00".repeat(32) }, 0), failsWith("VERIFY_FAILED"));
  }
  // Later reads carry the write's position and see it, from whichever node answers.
  assert.equal(client.minPosition, position);
  const got = await client.getCredential(u.wallet, credential.id);
  assert.equal(got.credential.id, credential.id);
  assert.equal(put.receipts.find((r) => r.object_id === credential.id).sha256, await canonicalSha(credential));
});

test("8. a node key that is not permitted, a replayed or an altered entry does not count toward minReceipts", async () => {
  const writer = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids() });
  const u = await newUser(writer);

  // Only node 1's key is permitted (beside a key no node holds): nodes 2 and 3 sign valid entries,
  // but theirs do not count, so two receipts never come.
  const stranger = m.toHex(m.generateEd25519KeyPair().publicKey);
  const onlyOne = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: [ids()[0], stranger], minReceipts: 2, quorumWaitMs: 1500 });
  await assert.rejects(onlyOne.putCredential(u.wallet, await credentialOf(u)), (e) => {
    assert.ok(failsWith("UNAVAILABLE")(e), `${e.code}: ${e.message}`);
    assert.equal(e.status, 200);
    assert.deepEqual(e.logEntries.map((x) => x.node_id), [ids()[0]]);
    return true;
  });

  // Nodes 2 and 3 answer with node 1's own (genuinely signed) entry: one node, counted once.
  const logOf = (url) => urls().some((n) => url.startsWith(`${n}/v1/log/`));
  const replaying = async (url, init) => {
    if (logOf(url) && !url.startsWith(`${urls()[0]}/`)) return fetch(urls()[0] + new URL(url).pathname, init);
    return fetch(url, init);
  };
  const replayed = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids(), minReceipts: 2, quorumWaitMs: 1500, fetch: replaying });
  await assert.rejects(replayed.putCredential(u.wallet, await credentialOf(u)), (e) => {
    assert.ok(failsWith("UNAVAILABLE")(e), `${e.code}: ${e.message}`);
    assert.equal(e.logEntries.length, 1);
    return true;
  });

  // Node 2's entry altered on the way (another state hash): it does not verify and does not count;
  // nodes 1 and 3 make the quorum of 2, and node 2 is not among the entries.
  const altering = async (url, init) => {
    const r = await fetch(url, init);
    if (!url.startsWith(`${urls()[1]}/v1/log/`) || r.status !== 200) return r;
    const e = await r.json();
    return new Response(JSON.stringify({ ...e, state_hash: "ab".repeat(32) }), { status: 200, headers: { "content-type": "application/json" } });
  };
  const altered = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids(), minReceipts: 2, fetch: altering });
  const put = await altered.putCredential(u.wallet, await credentialOf(u));
  const signers = put.logEntries.map((x) => x.node_id).sort();
  assert.deepEqual(signers, [ids()[0], ids()[2]].sort());
  // With all three required, the altered one is missing: no quorum.
  const allThree = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids(), minReceipts: 3, quorumWaitMs: 1500, fetch: altering });
  await assert.rejects(allThree.putCredential(u.wallet, await credentialOf(u)), failsWith("UNAVAILABLE"));

  // Asking for more receipts than permitted keys is refused before anything is sent.
  const sent = [];
  const tooMany = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids().slice(0, 2), minReceipts: 3,
    fetch: (url, init) => { sent.push(url); return fetch(url, init); } });
  await assert.rejects(tooMany.putCredential(u.wallet, await credentialOf(u)), failsWith("INVALID_INPUT"));
  assert.deepEqual(sent, []);
});

test("8. a write whose answer is lost is resent to the next node (the same bytes) and applied once", async () => {
  const base = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids() });
  const u = await newUser(base);
  let lost = null;  // what node 1 really answered
  const losing = async (url, init) => {
    const r = await fetch(url, init);
    if (lost === null && init?.method === "POST" && url === `${urls()[0]}/v1/credentials`) {
      lost = { status: r.status, body: await r.json() };
      throw new TypeError("fetch failed (the answer was lost)");
    }
    return r;
  };
  const client = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids(), minReceipts: 2, fetch: losing });
  const credential = await credentialOf(u, "lost answer");
  const put = await client.putCredential(u.wallet, credential);
  assert.equal(lost?.status, 201, "node 1 applied the write before its answer was lost");
  assert.equal(client.baseUrl, urls()[1], "the next node answered");
  assert.equal(put.receipts[0].log_position, lost.body.receipts[0].log_position, "the first outcome, one position");
  const list = await client.listCredentials(u.wallet);
  assert.equal(list.credentials.filter((c) => c.id === credential.id).length, 1, "applied once");
});

test("8. failover: with the first node down, writes reach a quorum through the others and reads keep working", async () => {
  const first = network.nodes[0];
  await first.stop();
  try {
    const client = new NodeClient({ baseUrls: urls(), idos: m, permittedNodeKeys: ids(), minReceipts: 2 });
    const u = await newUser(client);
    assert.notEqual(client.baseUrl, urls()[0]);
    const credential = await credentialOf(u, "node 1 is down");
    const put = await client.putCredential(u.wallet, credential);
    const signers = put.logEntries.map((x) => x.node_id).sort();
    assert.deepEqual(signers, [ids()[1], ids()[2]].sort(), "the two running nodes");
    const got = await client.getCredential(u.wallet, credential.id);
    assert.equal(got.credential.id, credential.id);
    // Every node down: NODE_UNREACHABLE, after one try of each (no retries).
    const down = new NodeClient({ baseUrls: [urls()[0], "http://127.0.0.1:9"], idos: m, permittedNodeKeys: ids() });
    await assert.rejects(down.health(), (e) => failsWith("NODE_UNREACHABLE")(e) && e.status === 0);
  } finally {
    await first.restart();
  }
});
