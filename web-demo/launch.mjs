// Starts the demo: idos-node (SQLite in a data folder, 127.0.0.1) and the web server that serves
// the page and proxies the node's API. Used by scripts/demo (as a program) and by the browser
// test (as a module), so both start the demo the same way.
//
//   node web-demo/launch.mjs     # ports from IDOS_DEMO_PORT (8080) and IDOS_NODE_PORT (8787),
//                                # data in IDOS_DEMO_DATA (./demo-data); Ctrl-C stops both
//   node web-demo/launch.mjs --cluster
//                                # 3 nats-servers + 3 idos-nodes (scripts/cluster's machinery) in
//                                # a fresh folder, the page on IDOS_DEMO_PORT (8081), with the
//                                # demo's node control; Ctrl-C stops everything (docs/demo.md)
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "..");

/** A free TCP port on 127.0.0.1 (bound and released: fine for a local demo or test). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function portInUse(port) {
  return new Promise((ok) => {
    const s = createServer();
    s.once("error", () => ok(true));
    s.listen(port, "127.0.0.1", () => s.close(() => ok(false)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 15) {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

class LaunchError extends Error {}

/**
 * Starts node + web server. options: { webPort, nodePort, dataDir, nodeBin, plugin, quiet }.
 * A port of 0 picks a free one. Returns { url, nodeUrl, webPort, nodePort, dataDir, nodeLog, stop() }.
 */
export async function startDemo(options = {}) {
  const nodeBin = options.nodeBin ?? process.env.IDOS_NODE_BIN ?? join(ROOT, "build/native/storage-node/idos-node");
  const plugin = options.plugin ?? process.env.IDOS_PLUGIN ?? join(ROOT, "build/native/plugin/libidos_plugin.so");
  const dataDir = resolve(options.dataDir ?? process.env.IDOS_DEMO_DATA ?? join(ROOT, "demo-data"));
  let nodePort = Number(options.nodePort ?? process.env.IDOS_NODE_PORT ?? 8787);
  let webPort = Number(options.webPort ?? process.env.IDOS_DEMO_PORT ?? 8080);
  const say = options.quiet ? () => {} : (m) => console.log(m);

  if (!existsSync(nodeBin)) throw new LaunchError(`storage node not built: ${nodeBin} is missing (cmake --preset native && cmake --build --preset native)`);
  if (!existsSync(plugin)) throw new LaunchError(`plugin not built: ${plugin} is missing (cmake --build --preset native)`);
  if (!existsSync(join(ROOT, "js/dist/index.js"))) throw new LaunchError("js/dist is missing: build the npm package (node js/scripts/build.mjs)");
  if (nodePort === 0) nodePort = await freePort();
  if (webPort === 0) webPort = await freePort();
  if (await portInUse(nodePort)) throw new LaunchError(`port ${nodePort} on 127.0.0.1 is in use (set IDOS_NODE_PORT to another port)`);
  if (await portInUse(webPort)) throw new LaunchError(`port ${webPort} on 127.0.0.1 is in use (set IDOS_DEMO_PORT to another port)`);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const nodeLog = join(dataDir, "idos-node.log");
  const logStream = createWriteStream(nodeLog, { flags: "a" });
  await new Promise((r) => logStream.once("open", r));
  const node = spawn(nodeBin, ["--listen", `127.0.0.1:${nodePort}`, "--data", dataDir, "--plugin", plugin], {
    stdio: ["ignore", logStream, logStream],
  });
  let nodeExit = null;
  const exited = new Promise((r) => node.once("exit", (code, signal) => {
    nodeExit = { code, signal };
    r(nodeExit);
  }));
  node.once("error", (e) => {
    nodeExit = { code: -1, signal: null, error: e };
  });

  let web = null;
  const stop = async () => {
    if (web) await web.close().catch(() => {});
    web = null;
    if (nodeExit === null) {
      node.kill("SIGTERM");
      const done = await Promise.race([exited, sleep(8000).then(() => null)]);
      if (done === null) {
        node.kill("SIGKILL");
        await Promise.race([exited, sleep(2000)]);
      }
    }
    logStream.end();
  };

  // Bounded wait for the node's /health.
  const nodeUrl = `http://127.0.0.1:${nodePort}`;
  const deadline = Date.now() + 30_000;
  let healthy = null;
  while (Date.now() < deadline && nodeExit === null) {
    try {
      const r = await fetch(`${nodeUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) {
        healthy = await r.json();
        break;
      }
    } catch {
      /* not up yet */
    }
    await sleep(150);
  }
  if (!healthy) {
    await stop();
    const why = nodeExit ? `idos-node exited (code ${nodeExit.code}${nodeExit.signal ? `, ${nodeExit.signal}` : ""})` : "idos-node did not answer /health within 30 s";
    throw new LaunchError(`${why}; last lines of ${nodeLog}:\n${tail(nodeLog)}`);
  }
  try {
    web = await startServer({ port: webPort, nodePort });
  } catch (e) {
    await stop();
    throw new LaunchError(`cannot serve the page on 127.0.0.1:${webPort}: ${e.message}`);
  }
  say(`idos-node ${healthy.version} on ${nodeUrl} (node id ${healthy.node_id.slice(0, 16)}…, log position ${healthy.log_position}, data ${dataDir})`);
  return { url: web.url, nodeUrl, webPort: web.port, nodePort, dataDir, nodeLog, node, exited, health: healthy, stop };
}

// --- cluster mode (scripts/demo --cluster) -------------------------------------------------------

/**
 * The node control of the cluster demo: stops (SIGTERM, or SIGKILL for a crash) and restarts one
 * node of `network` (scripts/cluster.d/cluster.mjs's startNetwork) on the same port and data
 * folder. One action per node at a time; every wait is bounded.
 */
function nodeControl(network) {
  const state = new Map(network.nodes.map((n) => [n.name, { running: true, busy: false, stoppedWith: null, restarts: 0 }]));
  const find = (name) => {
    const node = network.nodes.find((n) => n.name === name);
    if (!node) throw Object.assign(new Error(`no node ${name}`), { status: 404, code: "NOT_FOUND" });
    return node;
  };
  const watchExit = (node) => {
    const st = state.get(node.name);
    const proc = node.proc;
    node.exit.then(() => {
      // A node that dies on its own counts as stopped too (the page shows it; restart brings it back).
      if (node.proc === proc && st.running) {
        st.running = false;
        st.stoppedWith = "exited";
      }
    });
  };
  for (const n of network.nodes) watchExit(n);
  const exclusive = async (name, fn) => {
    const node = find(name);
    const st = state.get(name);
    if (st.busy) throw Object.assign(new Error(`${name} is already being stopped or started`), { status: 409, code: "CONFLICT" });
    st.busy = true;
    try {
      return await fn(node, st);
    } finally {
      st.busy = false;
    }
  };
  const describe = (n) => {
    const st = state.get(n.name);
    return { name: n.name, node_id: n.nodeId, running: st.running, stopped_with: st.stoppedWith, restarts: st.restarts };
  };
  return {
    list: () => network.nodes.map(describe),
    stop: (name, signal) => exclusive(name, async (node, st) => {
      if (!st.running) return describe(node);
      const exit = signal === "SIGKILL" ? node.kill9() : node.stop();
      const done = await Promise.race([exit, sleep(10_000).then(() => null)]);
      if (done === null) await Promise.race([node.kill9(), sleep(5_000)]);
      st.running = false;
      st.stoppedWith = signal;
      return describe(node);
    }),
    start: (name) => exclusive(name, async (node, st) => {
      if (st.running) return describe(node);
      await node.restart(); // same port, data folder and NATS user; bounded (20 s) by startClusterNode
      st.running = true;
      st.stoppedWith = null;
      st.restarts += 1;
      watchExit(node);
      return describe(node);
    }),
  };
}

/**
 * Starts the cluster demo: 3 nats-servers and `nodes` idos-nodes through scripts/cluster's
 * startNetwork (in `dir`, a fresh temporary folder by default), and the web server with the node
 * control. options: { webPort, nodes, dir, quiet }. Returns { url, webPort, network, nodes, stop() }.
 */
export async function startClusterDemo(options = {}) {
  const cluster = await import("../scripts/cluster.d/cluster.mjs");
  let webPort = Number(options.webPort ?? process.env.IDOS_DEMO_PORT ?? 8081);
  const nodes = Number(options.nodes ?? 3);
  const say = options.quiet ? () => {} : (m) => console.log(m);
  if (!existsSync(cluster.NODE_BIN)) throw new LaunchError(`storage node not built: ${cluster.NODE_BIN} is missing (cmake --preset native && cmake --build --preset native)`);
  if (!existsSync(cluster.PLUGIN)) throw new LaunchError(`plugin not built: ${cluster.PLUGIN} is missing (cmake --build --preset native)`);
  if (!existsSync(join(ROOT, "js/dist/index.js"))) throw new LaunchError("js/dist is missing: build the npm package (node js/scripts/build.mjs)");
  if (!(nodes >= 2 && nodes <= 9)) throw new LaunchError("the cluster demo runs 2 to 9 nodes");
  if (webPort === 0) webPort = await freePort();
  if (await portInUse(webPort)) throw new LaunchError(`port ${webPort} on 127.0.0.1 is in use (set IDOS_DEMO_PORT to another port)`);
  let network;
  try {
    network = await cluster.startNetwork({ dir: options.dir, servers: 3, nodes });
  } catch (e) {
    throw new LaunchError(`the network did not start: ${e.message}`);
  }
  const control = nodeControl(network);
  let web = null;
  const stop = async () => {
    if (web) await web.close().catch(() => {});
    web = null;
    await network.stop({ keep: Boolean(options.keep) }).catch(() => {});
  };
  try {
    web = await startServer({
      port: webPort,
      cluster: { nodes: network.nodes.map((n) => ({ name: n.name, nodeId: n.nodeId, host: "127.0.0.1", port: n.port })), control },
    });
  } catch (e) {
    await stop();
    throw new LaunchError(`cannot serve the page on 127.0.0.1:${webPort}: ${e.message}`);
  }
  say(`NATS JetStream: ${network.cluster.urls} (folder ${network.dir})`);
  for (const n of network.nodes) say(`${n.name}: ${n.url}  node id ${n.nodeId}`);
  return { url: web.url, webPort: web.port, network, nodes: network.nodes, control, stop };
}

// --- as a program (scripts/demo) -----------------------------------------------------------------
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const clusterMode = process.argv.includes("--cluster");
  let demo;
  let stopping = false;
  const shutdown = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the web server and ${clusterMode ? "the network" : "idos-node"}…`);
    await demo?.stop();
    console.log(clusterMode ? "stopped (the network's folder is removed)" : "stopped (data kept for the next run)");
    process.exit(0);
  };
  process.on("SIGINT", () => shutdown("Ctrl-C"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  try {
    demo = clusterMode ? await startClusterDemo() : await startDemo();
  } catch (e) {
    console.error(`demo: ${e instanceof LaunchError ? e.message : e?.stack ?? e}`);
    process.exit(1);
  }
  if (stopping) await demo.stop();
  console.log("");
  if (clusterMode) {
    console.log(`  idos-core demo, ${demo.nodes.length} nodes on NATS JetStream:  ${demo.url}`);
    console.log("");
    console.log("Open the URL in a browser; the header stops and restarts nodes. Ctrl-C stops everything.");
  } else {
    console.log(`  idos-core demo:  ${demo.url}`);
    console.log(`  storage node:    ${demo.nodeUrl}  (log: ${demo.nodeLog})`);
    console.log("");
    console.log("Open the URL in a browser. Ctrl-C stops both.");
    demo.exited.then(async (x) => {
      if (stopping) return;
      stopping = true;
      console.error(`idos-node stopped unexpectedly (code ${x.code}${x.signal ? `, ${x.signal}` : ""}); last lines of its log:\n${tail(demo.nodeLog)}`);
      await demo.stop();
      process.exit(1);
    });
  }
}
