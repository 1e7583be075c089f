// Storage-network benchmark (not a test; scripts/bench.d/cluster.sh): 3 nats-servers + 3 idos-nodes
// on this machine (scripts/cluster.d/cluster.mjs), driven by wrk with pre-signed requests
// (prepare.mjs, replay.lua). Prints a Markdown section.
//   1. replicated durable writes through all 3 nodes at once (each answer waits for the node's
//      own apply of the stream entry), beside the same writes on one node without NATS;
//   2. reads on one node while the two others take writes (and every node applies them);
//   3. catch-up of a node stopped during writes, in entries/s.
// The leader-failover pause is measured by tests/node/cluster.test.mjs (it kills the leader).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startNetwork, waitFor, NODE_BIN, PLUGIN } from "../../../scripts/cluster.d/cluster.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const WRITE_SECONDS = quick ? 4 : 8;
const READ_SECONDS = quick ? 4 : 8;
const WRITES = quick ? 6000 : 12000;
const CONNECTIONS = 4;

const work = mkdtempSync(path.join(tmpdir(), "idos-cluster-bench-"));
const nodeArgs = ["--rate-limit", "0", "--access-log", "false", "--threads", "8"];

function prepare(url, out, reads, writes) {
  return JSON.parse(execFileSync("node", [path.join(HERE, "prepare.mjs"), "--url", url, "--out", out, "--reads", String(reads),
    "--writes", String(writes)], { cwd: path.join(HERE, "..") }).toString().trim().split("\n").pop());
}

function splitFile(file, parts) {
  const lines = readFileSync(file, "utf8").trim().split("\n");
  return Array.from({ length: parts }, (_, i) => {
    const f = `${file}.${i}`;
    writeFileSync(f, lines.filter((_, j) => j % parts === i).join("\n") + "\n");
    return f;
  });
}

function wrk(url, file, seconds, connections = CONNECTIONS) {
  return new Promise((resolve, reject) => {
    const p = spawn("wrk", ["-t", "1", "-c", String(connections), "-d", `${seconds}s`, "--timeout", "10s", "-s",
      path.join(HERE, "replay.lua"), url, "--", file, "1"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => { out += d; });
    p.on("exit", () => {
      const line = out.split("\n").find((l) => l.startsWith("IDOS_BENCH"));
      if (!line) return reject(new Error("wrk: " + out));
      resolve(Object.fromEntries(line.split(" ").slice(1).map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)])));
    });
  });
}

async function position(url) { return (await (await fetch(url + "/health")).json()).log_position; }

async function singleNode() {
  const dir = path.join(work, "single");
  const proc = spawn(NODE_BIN, ["--listen", "127.0.0.1:0", "--data", dir, "--plugin", PLUGIN, ...nodeArgs], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const port = await new Promise((resolve, reject) => {
    proc.stderr.on("data", (d) => {
      log += d;
      const m = /"event":"listening"[^\n]*"port":(\d+)/.exec(log) ?? /"port":(\d+)[^\n]*"event":"listening"/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    proc.on("exit", () => reject(new Error(log)));
  });
  const url = `http://127.0.0.1:${port}`;
  const out = path.join(work, "single-prep");
  execFileSync("mkdir", ["-p", out]);
  prepare(url, out, 10, WRITES);
  const r = await wrk(url, path.join(out, "writes.txt"), WRITE_SECONDS, CONNECTIONS * 3);
  proc.kill("SIGTERM");
  return r;
}

const rows = [];
const net = await startNetwork({ dir: path.join(work, "net"), servers: 3, nodes: 3, extraNodeArgs: nodeArgs });
try {
  const [a, b, c] = net.nodes;
  const prep = path.join(work, "prep");
  execFileSync("mkdir", ["-p", prep]);
  const info = prepare(a.url, prep, 60000, WRITES * 2);
  const writeFiles = splitFile(path.join(prep, "writes.txt"), 6);

  // 1. writes through all 3 nodes at once.
  const w = await Promise.all(net.nodes.map((n, i) => wrk(n.url, writeFiles[i], WRITE_SECONDS)));
  const total = w.reduce((s, r) => s + r.rps, 0);
  rows.push(["writes through 3 nodes at once (POST /v1/credentials, replicated, each answered after its node applied it)",
    w.reduce((s, r) => s + r.requests, 0), total.toFixed(1), Math.max(...w.map((r) => r.p50_ms)).toFixed(2),
    Math.max(...w.map((r) => r.p99_ms)).toFixed(2), w.reduce((s, r) => s + r.non2xx, 0)]);
  await waitFor(async () => (await Promise.all(net.nodes.map((n) => position(n.url)))).every((p, _, all) => p === all[0]), 60000);

  // 2. reads on node c while a and b take writes.
  const [reads, wa, wb] = await Promise.all([
    wrk(c.url, path.join(prep, "reads.txt"), READ_SECONDS),
    wrk(a.url, writeFiles[3], READ_SECONDS), wrk(b.url, writeFiles[4], READ_SECONDS),
  ]);
  rows.push(["reads on node 3 (GET /v1/shared/{id}) while nodes 1 and 2 take writes", reads.requests, reads.rps.toFixed(1),
    reads.p50_ms.toFixed(2), reads.p99_ms.toFixed(2), reads.non2xx]);
  rows.push(["... the writes meanwhile (nodes 1 and 2)", wa.requests + wb.requests, (wa.rps + wb.rps).toFixed(1),
    Math.max(wa.p50_ms, wb.p50_ms).toFixed(2), Math.max(wa.p99_ms, wb.p99_ms).toFixed(2), wa.non2xx + wb.non2xx]);

  // 3. catch-up: node c stopped while node a takes writes, then restarted.
  await waitFor(async () => (await Promise.all(net.nodes.map((n) => position(n.url)))).every((p, _, all) => p === all[0]), 60000);
  const from = await position(c.url);
  await c.stop();
  await wrk(a.url, writeFiles[5], WRITE_SECONDS);
  const target = await position(a.url);
  const restartedAt = Date.now();
  await c.restart();  // it applies from its consumer before it listens: the clock runs from the restart
  await waitFor(async () => (await position(c.url)) >= target, 120000);
  const seconds = (Date.now() - restartedAt) / 1000;
  const catchUp = { entries: target - from, seconds, rate: (target - from) / seconds };

  const single = await singleNode();
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)[1];
  const natsVersion = execFileSync("nats-server", ["--version"]).toString().trim();
  console.log(`## Storage network on NATS JetStream (\`scripts/bench.d/cluster.sh\`${quick ? " --quick" : ""})

- Date: ${new Date().toISOString().slice(0, 10)}; ${execFileSync("nproc").toString().trim()} cores (${cpu}); 3 nats-servers
  (${natsVersion}, R3 file stream, encrypted at rest), 3 idos-nodes and wrk all on this machine, loopback
- every write: signature checked at the edge, published (Nats-Msg-Id), stored by 2 of 3 servers,
  applied by each node (plugin verdict at log time, SQLite synchronous=FULL), answered once the
  node's own apply is done; ${CONNECTIONS} connections per node, ~${info.body_bytes} B body

| measurement | requests | per second | p50 | p99 | non-2xx |
|---|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r[0]} | ${r[1]} | ${r[2]} | ${r[3]} ms | ${r[4]} ms | ${r[5]} |`).join("\n")}
| same writes on one node, embedded log (no NATS), ${CONNECTIONS * 3} connections | ${single.requests} | ${single.rps.toFixed(1)} | ${single.p50_ms.toFixed(2)} ms | ${single.p99_ms.toFixed(2)} ms | ${single.non2xx} |

Catch-up of a node restarted after ${catchUp.entries} entries: ${catchUp.seconds.toFixed(1)} s from restart
(process start included), ${Math.round(catchUp.rate)} entries/s.
Stream-leader kill -9: the write pause is measured by \`tests/node/cluster.test.mjs\` (see docs/cluster.md).`);
} finally {
  await net.stop();
  rmSync(work, { recursive: true, force: true });
}
