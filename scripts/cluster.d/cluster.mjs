// A local network of storage nodes on NATS JetStream (docs/cluster.md): one implementation used
// by scripts/cluster (run it) and by the cluster tests and benchmarks (import it).
//
// What it sets up, all on 127.0.0.1 with free ports, in one folder:
// - per idos-node a NATS user with a random password in a credentials file (mode 0600); the
//   servers' config names exactly those users and lets them reach only the log's subject and the
//   JetStream API calls a node needs (no stream delete or message delete; the purge, which nodes
//   make below an agreed snapshot: docs/cluster.md "Snapshots, purge and bootstrap");
// - JetStream encryption at rest (cipher chachapoly) with a random key kept in a 0600 file and
//   handed to each server through its environment (never written into the config);
// - N nats-servers in one cluster, then the idos-nodes, then the peers file naming every node.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, "../..");
export const NODE_BIN = process.env.IDOS_NODE_BIN ?? path.join(ROOT, "build/native/storage-node/idos-node");
export const PLUGIN = process.env.IDOS_PLUGIN ?? path.join(ROOT, "build/native/plugin/libidos_plugin.so");
export const NATS_BIN = process.env.NATS_SERVER_BIN ?? "nats-server";

const children = new Set();
process.on("exit", () => { for (const c of children) try { c.kill("SIGKILL"); } catch {} });

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function writeSecret(file, text) {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The NATS permissions of a node user: the log subject and the JetStream calls a node makes. */
function nodePermissions(stream, durable) {
  return {
    publish: {
      allow: [
        `${stream}.tx`,
        "$JS.API.INFO",
        "$JS.API.STREAM.NAMES",
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.CREATE.${stream}`,
        `$JS.API.STREAM.PURGE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
        `$JS.API.CONSUMER.DELETE.${stream}.${durable}`,
        `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
        `$JS.ACK.${stream}.${durable}.>`,
      ],
    },
    subscribe: { allow: ["_INBOX.>"] },
  };
}

/**
 * Starts a NATS JetStream cluster. users: [{name, durable}] (durable: the node's consumer name,
 * "node_" + the first 16 hex of its node id). Returns {dir, servers, urls, credsFile(name), stop()}.
 */
export async function startNatsCluster({ dir, servers = 3, users, stream = "IDOS_LOG", encrypt = true }) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, "jetstream.key");
  // A letter first: NATS parses the expanded $IDOS_JS_KEY as a config value, and hex starting with
  // a digit is taken for a malformed number (the servers refuse to start).
  if (!existsSync(keyFile)) writeSecret(keyFile, "k" + randomBytes(32).toString("hex") + "\n");
  const key = readFileSync(keyFile, "utf8").trim();
  const credsFiles = {};
  const userEntries = [];
  for (const u of users) {
    const file = path.join(dir, `${u.name}.creds`);
    if (!existsSync(file)) writeSecret(file, `user = ${u.name}\npassword = ${randomBytes(24).toString("hex")}\n`);
    const password = /password = (\S+)/.exec(readFileSync(file, "utf8"))[1];
    credsFiles[u.name] = file;
    userEntries.push({ user: u.name, password, permissions: nodePermissions(stream, u.durable) });
  }
  const specs = [];
  for (let i = 0; i < servers; i++) {
    specs.push({ name: `nats${i + 1}`, port: await freePort(), clusterPort: await freePort(), httpPort: await freePort() });
  }
  const list = specs.map((spec) => {
    const routes = specs.filter((o) => o !== spec).map((o) => `nats-route://127.0.0.1:${o.clusterPort}`);
    const storeDir = path.join(dir, spec.name);
    mkdirSync(storeDir, { recursive: true, mode: 0o700 });
    // JSON is valid NATS config; the key comes from the environment ($IDOS_JS_KEY).
    const config = {
      server_name: spec.name,
      listen: `127.0.0.1:${spec.port}`,
      http: `127.0.0.1:${spec.httpPort}`,
      max_payload: 8 * 1024 * 1024,
      log_file: path.join(dir, `${spec.name}.log`),
      // encrypt: false only for a test that must see the stored bytes (the erasure scan's positive control).
      jetstream: encrypt ? { store_dir: storeDir, cipher: "chachapoly", key: "$IDOS_JS_KEY" } : { store_dir: storeDir },
      cluster: { name: "idos", listen: `127.0.0.1:${spec.clusterPort}`, routes },
      authorization: { users: userEntries },
    };
    const configPath = path.join(dir, `${spec.name}.conf`);
    // NATS expands $VARS only when unquoted.
    writeSecret(configPath, JSON.stringify(config, null, 2).replace('"$IDOS_JS_KEY"', "$IDOS_JS_KEY"));
    const server = { ...spec, configPath, url: `nats://127.0.0.1:${spec.port}`, proc: null, logs: "", exit: null };
    server.start = () => {
      const proc = spawn(NATS_BIN, ["-c", configPath], {
        env: { ...process.env, IDOS_JS_KEY: key }, stdio: ["ignore", "pipe", "pipe"],
      });
      children.add(proc);
      server.proc = proc;
      server.logs = "";
      const onData = (d) => { server.logs = (server.logs + d.toString()).slice(-200000); };
      proc.stdout.on("data", onData);
      proc.stderr.on("data", onData);
      server.exit = new Promise((resolve) => proc.on("exit", (code, signal) => { children.delete(proc); resolve({ code, signal }); }));
    };
    server.kill9 = async () => { if (server.proc) { server.proc.kill("SIGKILL"); await server.exit; server.proc = null; } };
    server.stop = async () => { if (server.proc) { server.proc.kill("SIGTERM"); await server.exit; server.proc = null; } };
    return server;
  });
  for (const s of list) s.start();
  await waitFor(async () => {
    for (const s of list) {
      const r = await fetch(`http://127.0.0.1:${s.httpPort}/healthz`).catch(() => null);
      if (!r || r.status !== 200) return false;
    }
    return true;
  }, 15000, () => "nats-servers not healthy:\n" + list.map((s) => s.logs.slice(-2000)).join("\n"));
  return {
    dir, servers: list, stream, storeDirs: list.map((s) => path.join(dir, s.name)),
    urls: list.map((s) => s.url).join(","),
    credsFile: (name) => credsFiles[name],
    async stop() { for (const s of list) await s.stop(); },
  };
}

/** Polls `check` every 100 ms until it returns true (or throws with `describe()` after `ms`). */
export async function waitFor(check, ms, describe = () => "timed out") {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(describe());
    await sleep(100);
  }
}

/** The stream's leader (server name) from a server's JetStream monitoring endpoint. */
export async function streamLeader(cluster, stream = cluster.stream) {
  for (const s of cluster.servers) {
    if (!s.proc) continue;
    const r = await fetch(`http://127.0.0.1:${s.httpPort}/jsz?streams=true`).catch(() => null);
    if (!r || r.status !== 200) continue;
    const j = await r.json();
    for (const acc of j.account_details ?? []) {
      for (const st of acc.stream_detail ?? []) {
        if (st.name === stream && st.cluster?.leader) return st.cluster.leader;
      }
    }
  }
  return null;
}

/**
 * Starts one idos-node on the cluster: its data folder `dataDir` (identity key made beforehand by
 * prepareNodeIdentity so the NATS user and the peers file can name it), the NATS URLs and creds.
 */
export async function startClusterNode({ dataDir, natsUrls, creds, peersFile, stream = "IDOS_LOG", port = 0, extraArgs = [], env = {} }) {
  const args = ["--listen", `127.0.0.1:${port}`, "--data", dataDir, "--plugin", PLUGIN, "--nats", natsUrls,
    "--nats-creds", creds, "--stream", stream, "--peer-check-interval", "1", ...extraArgs];
  if (peersFile) args.push("--peers", peersFile);
  const proc = spawn(NODE_BIN, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  const node = { proc, dataDir, logs: [], exited: null, args };
  let buffered = "";
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("idos-node did not start in 20 s:\n" + buffered)), 20000);
    proc.stderr.on("data", (chunk) => {
      buffered += chunk.toString();
      let i;
      while ((i = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        let entry;
        try { entry = JSON.parse(line); } catch { entry = { raw: line }; }
        node.logs.push(entry);
        if (node.logs.length > 5000) node.logs.shift();
        if (entry.event === "listening") { clearTimeout(timer); resolve(entry); }
      }
    });
    proc.on("exit", (code, signal) => {
      node.exited = { code, signal };
      children.delete(proc);
      clearTimeout(timer);
      reject(new Error(`idos-node exited (${code ?? signal}) before listening:\n` + node.logs.map((l) => JSON.stringify(l)).join("\n")));
    });
  });
  const exit = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const info = await listening;
  Object.assign(node, {
    port: info.port, url: `http://127.0.0.1:${info.port}`, nodeId: info.node_id, exit,
    async stop() { if (!node.exited) proc.kill("SIGTERM"); return exit; },
    async kill9() { if (!node.exited) proc.kill("SIGKILL"); return exit; },
  });
  return node;
}

/**
 * Makes a node's data folder and keys by starting it once on its own (no NATS, any free port) and
 * stopping it, and returns its node id. extraArgs: its storage flags (e.g. --storage postgres), so
 * the keys are recorded in the state it will run on. The node makes its own keys and records them in its state:
 * a key file written beside an empty node.db would be refused at start (docs/node.md).
 */
export async function prepareNodeIdentity(dataDir, extraArgs = []) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const proc = spawn(NODE_BIN, ["--listen", "127.0.0.1:0", "--data", dataDir, "--plugin", PLUGIN, ...extraArgs],
    { stdio: ["ignore", "ignore", "pipe"] });
  children.add(proc);
  const exit = new Promise((resolve) => proc.on("exit", (code, signal) => { children.delete(proc); resolve({ code, signal }); }));
  let buffered = "";
  const lines = [];
  const nodeId = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill("SIGKILL"); reject(new Error("idos-node did not start in 20 s:\n" + lines.join("\n"))); }, 20000);
    proc.stderr.on("data", (chunk) => {
      buffered += chunk.toString();
      let i;
      while ((i = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        lines.push(line);
        let entry = null;
        try { entry = JSON.parse(line); } catch { /* not a log line */ }
        if (entry?.event === "listening") { clearTimeout(timer); resolve(entry.node_id); }
      }
    });
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`idos-node exited (${code}) while making its keys:\n${lines.join("\n")}`)); });
  });
  proc.kill("SIGTERM");
  await exit;
  if (typeof nodeId !== "string" || !/^[0-9a-f]{64}$/.test(nodeId)) throw new Error(`idos-node named no node id: ${nodeId}`);
  return nodeId;
}

export function writePeersFile(file, nodes) {
  writeFileSync(file, JSON.stringify({ nodes: nodes.map((n) => ({ node_id: n.nodeId, url: n.url })) }, null, 2) + "\n");
}

/**
 * The whole network: `servers` nats-servers and `nodes` idos-nodes with a peers file. Ports of the
 * nodes are chosen up front so the peers file can be written before they start. `nodeArgs(i, plan)`
 * adds flags to node i alone (e.g. one node on PostgreSQL).
 */
export async function startNetwork({ dir, servers = 3, nodes = 3, stream = "IDOS_LOG", extraNodeArgs = [], nodeArgs = () => [],
  encrypt = true } = {}) {
  dir ??= mkdtempSync(path.join(tmpdir(), "idos-cluster-"));
  const plan = [];
  for (let i = 0; i < nodes; i++) {
    const dataDir = path.join(dir, `node${i + 1}`);
    const nodeId = await prepareNodeIdentity(dataDir, nodeArgs(i, { name: `node${i + 1}`, dataDir }));
    plan.push({ name: `node${i + 1}`, dataDir, nodeId, durable: "node_" + nodeId.slice(0, 16), port: await freePort() });
  }
  const cluster = await startNatsCluster({ dir: path.join(dir, "nats"), servers, users: plan, stream, encrypt });
  const peersFile = path.join(dir, "peers.json");
  writePeersFile(peersFile, plan.map((p) => ({ nodeId: p.nodeId, url: `http://127.0.0.1:${p.port}` })));
  const started = [];
  for (const p of plan) {
    const startOne = () => startClusterNode({ dataDir: p.dataDir, natsUrls: cluster.urls, creds: cluster.credsFile(p.name),
      peersFile, stream, port: p.port, extraArgs: [...extraNodeArgs, ...nodeArgs(plan.indexOf(p), p)] });
    const node = await startOne();
    Object.assign(node, { name: p.name, restart: async () => Object.assign(node, await startOne(), { name: p.name, restart: node.restart }) });
    started.push(node);
  }
  return {
    dir, cluster, nodes: started, peersFile, plan,
    async stop({ keep = false } = {}) {
      for (const n of started) await n.stop().catch(() => {});
      await cluster.stop();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- scripts/cluster ---------------------------------------------------------------------------
async function main(argv) {
  let nodes = 3, servers = 3, dir;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--nodes") nodes = Number(argv[++i]);
    else if (a === "--servers") servers = Number(argv[++i]);
    else if (a === "--dir") dir = argv[++i];
    else if (a === "--help" || a === "-h") {
      console.log("Usage: scripts/cluster [--nodes N (1..9, default 3)] [--servers 3|5] [--dir DIR]\n" +
        "Starts a NATS JetStream cluster and N idos-nodes on 127.0.0.1; Ctrl-C stops everything (docs/cluster.md).");
      return;
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  if (!(nodes >= 1 && nodes <= 9)) throw new Error("--nodes: 1..9");
  if (![1, 3, 5].includes(servers)) throw new Error("--servers: 1, 3 or 5");
  for (const f of [NODE_BIN, PLUGIN]) if (!existsSync(f)) throw new Error(`${f} missing: build first (cmake --build --preset native)`);
  const keep = Boolean(dir);
  const net = await startNetwork({ dir, servers, nodes });
  console.log(`folder: ${net.dir}${keep ? "" : " (removed on exit)"}`);
  console.log(`nats:   ${net.cluster.urls}`);
  for (const n of net.nodes) console.log(`${n.name}:  ${n.url}  node_id ${n.nodeId}`);
  console.log("Ctrl-C stops everything.");
  await new Promise((resolve) => { process.on("SIGINT", resolve); process.on("SIGTERM", resolve); });
  console.log("stopping...");
  await net.stop({ keep });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => { console.error(`cluster: ${e.message}`); process.exit(1); });
}

/**
 * The files under `folders` (recursively) whose bytes contain any of `needles` (Buffers or
 * strings): [{file, needle}] (needle: its index in `needles`). For erasure tests: a list of node data
 * folders and NATS store directories, and the bytes that must be gone. Reads every file whole;
 * symlinks are not followed.
 */
export function filesContaining(folders, needles) {
  const wanted = needles.map((n) => (Buffer.isBuffer(n) ? n : Buffer.from(n)));
  const found = [];
  const walk = (p) => {
    let st;
    try { st = lstatSync(p); } catch { return; }
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) walk(path.join(p, e));
      return;
    }
    if (!st.isFile()) return;
    let bytes;
    try { bytes = readFileSync(p); } catch { return; }
    wanted.forEach((n, i) => { if (n.length > 0 && bytes.includes(n)) found.push({ file: p, needle: i }); });
  };
  for (const f of folders) walk(f);
  return found;
}
