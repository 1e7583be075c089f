// Starts the demo: idos-node (SQLite in a data folder, 127.0.0.1) and the web server that serves
// the page and proxies the node's API. Used by scripts/demo (as a program) and by the browser
// test (as a module), so both start the demo the same way.
//
//   node web-demo/launch.mjs     # ports from IDOS_DEMO_PORT (8080) and IDOS_NODE_PORT (8787),
//                                # data in IDOS_DEMO_DATA (./demo-data); Ctrl-C stops both
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

// --- as a program (scripts/demo) -----------------------------------------------------------------
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let demo;
  let stopping = false;
  const shutdown = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the web server and idos-node…`);
    await demo?.stop();
    console.log("stopped (data kept for the next run)");
    process.exit(0);
  };
  process.on("SIGINT", () => shutdown("Ctrl-C"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  try {
    demo = await startDemo();
  } catch (e) {
    console.error(`demo: ${e instanceof LaunchError ? e.message : e?.stack ?? e}`);
    process.exit(1);
  }
  if (stopping) await demo.stop();
  console.log("");
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
