// The demo's web server: plain Node, no framework, 127.0.0.1 only.
//
// - serves the page (web-demo/site/) and the browser modules it imports through its import map:
//   /vendor/idos-core/   -> js/dist            (the npm package idos-core, built by js/scripts/build.mjs)
//   /vendor/ethers/      -> ethers' ESM build   (web-demo/node_modules)
//   /vendor/sqlite-wasm/ -> @sqlite.org/sqlite-wasm's ESM build (used by idos-core/vault)
// - reverse-proxies /v1/* and /health to the storage node, so the page talks to one origin (no
//   CORS) and the node's request target reaches it byte for byte (signed requests sign the path).
// - cluster mode (scripts/demo --cluster, options.cluster): /nodes/{name}/v1/* and
//   /nodes/{name}/health to each node of the network (the prefix removed, the rest byte for byte),
//   /demo-config.json names the nodes and their ids, and the demo's node control
//   (POST /demo/nodes/{name}/stop|start, GET /demo/nodes) stops and restarts a node. The control
//   exists only in cluster mode, only on a loopback address, and only for same-origin requests.
import { createServer, request as httpRequest } from "node:http";
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml",
  ".png": "image/png", ".map": "application/json", ".ico": "image/x-icon",
};

/** The first folder of `candidates` that exists (web-demo's own node_modules, then js/'s). */
function firstExisting(...candidates) {
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}

export function defaultMounts() {
  return {
    "/vendor/idos-core/": join(root, "js", "dist"),
    "/vendor/ethers/": firstExisting(join(here, "node_modules", "ethers", "dist"), join(root, "js", "node_modules", "ethers", "dist")),
    "/vendor/sqlite-wasm/": firstExisting(
      join(here, "node_modules", "@sqlite.org", "sqlite-wasm", "dist"),
      join(root, "js", "node_modules", "@sqlite.org", "sqlite-wasm", "dist"),
    ),
    "/": join(here, "site"),
  };
}

const SECURITY_HEADERS = {
  // Same-origin everything: the page needs nothing from elsewhere.
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

function sendJson(res, status, body) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

async function serveFile(res, file, method) {
  let info;
  try {
    info = await stat(file);
  } catch {
    return false;
  }
  if (info.isDirectory()) return serveFile(res, join(file, "index.html"), method);
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": "no-cache",
    ...SECURITY_HEADERS,
  });
  if (method === "HEAD") {
    res.end();
    return true;
  }
  createReadStream(file).on("error", () => res.destroy()).pipe(res);
  return true;
}

function proxy(req, res, nodeHost, nodePort, target = req.url) {
  const headers = { ...req.headers, host: `${nodeHost}:${nodePort}` };
  delete headers.connection;
  const upstream = httpRequest(
    { host: nodeHost, port: nodePort, method: req.method, path: target, headers, timeout: 30_000 },
    (up) => {
      const h = { ...up.headers };
      delete h.connection;
      delete h["keep-alive"];
      res.writeHead(up.statusCode ?? 502, { ...h, "cache-control": "no-store" });
      up.pipe(res);
    },
  );
  upstream.on("timeout", () => upstream.destroy(new Error("timeout")));
  upstream.on("error", (e) => {
    if (res.headersSent) return res.destroy();
    // The page shows this in words ("the node is not reachable").
    sendJson(res, 502, { code: "NODE_UNREACHABLE", message: `the storage node at ${nodeHost}:${nodePort} is not reachable (${e.code ?? e.message})` });
  });
  req.pipe(upstream);
}

// --- cluster mode ------------------------------------------------------------------------------

const NODE_NAME = /^node[1-9]$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/** Whether a request may use the node control: same origin, addressed to this loopback server. */
function controlRefusal(req, port) {
  // The Host header must name this server on a loopback name: a page of another site that
  // rebinds its DNS name to 127.0.0.1 sends its own name here.
  const hostHeader = String(req.headers.host ?? "").toLowerCase();
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!allowed.includes(hostHeader)) return "the node control answers only requests addressed to this loopback server";
  // A browser names the page that sent the request: only this server's own page may use it.
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${hostHeader}`) return "the node control answers only this demo's own page";
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return "the node control answers only this demo's own page";
  return null;
}

async function readJsonBody(req, limit = 4096) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error("body too large"), { status: 413 });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error("the body is not JSON"), { status: 400 });
  }
}

/**
 * The demo's node control: GET /demo/nodes (each node and whether the demo runs it), POST
 * /demo/nodes/{name}/stop {"signal": "SIGTERM"|"SIGKILL"}, POST /demo/nodes/{name}/start.
 * `control` (from launch.mjs): { list(), stop(name, signal), start(name) }.
 */
async function serveControl(req, res, path, control, port) {
  const refusal = controlRefusal(req, port);
  if (refusal) return sendJson(res, 403, { code: "FORBIDDEN", message: refusal });
  if (path === "/demo/nodes") {
    if (req.method !== "GET") return sendJson(res, 405, { code: "INVALID_INPUT", message: "method not allowed" });
    return sendJson(res, 200, { nodes: control.list() });
  }
  const m = /^\/demo\/nodes\/([^/]+)\/(stop|start)$/.exec(path);
  if (!m || !NODE_NAME.test(m[1])) return sendJson(res, 404, { code: "NOT_FOUND", message: "no such control" });
  if (req.method !== "POST") return sendJson(res, 405, { code: "INVALID_INPUT", message: "method not allowed" });
  // A JSON body: a cross-site form or a no-cors fetch cannot send this content type without a
  // CORS preflight, which this server never grants.
  if (!/^application\/json(;|$)/i.test(String(req.headers["content-type"] ?? ""))) {
    return sendJson(res, 415, { code: "INVALID_INPUT", message: "send a JSON body (content-type: application/json)" });
  }
  let body;
  try {
    body = await readJsonBody(req);
  } catch (e) {
    return sendJson(res, e.status ?? 400, { code: "INVALID_INPUT", message: e.message });
  }
  const [, name, action] = m;
  try {
    if (action === "stop") {
      const signal = body?.signal ?? "SIGTERM";
      if (signal !== "SIGTERM" && signal !== "SIGKILL") return sendJson(res, 400, { code: "INVALID_INPUT", message: "signal: SIGTERM or SIGKILL" });
      return sendJson(res, 200, await control.stop(name, signal));
    }
    return sendJson(res, 200, await control.start(name));
  } catch (e) {
    return sendJson(res, e.status ?? 500, { code: e.code ?? "INTERNAL", message: e.message });
  }
}

/**
 * Starts the server. options: { port (0 = any), host, nodeHost, nodePort, mounts, cluster }.
 * cluster (cluster mode): { nodes: [{name, nodeId, host, port}], control } (see serveControl).
 * Returns { url, port, close() }.
 */
export async function startServer({ port = 8080, host = "127.0.0.1", nodeHost = "127.0.0.1", nodePort = 8787, mounts = defaultMounts(), cluster = null } = {}) {
  if (cluster && !LOOPBACK_HOSTS.has(host)) throw new Error("the cluster demo's node control listens on a loopback address only");
  const prefixes = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const clusterNodes = new Map((cluster?.nodes ?? []).map((n) => [n.name, n]));
  let actualPort = port;
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://demo.invalid");
      const path = url.pathname;
      if (cluster) {
        // /nodes/{name}/v1/... and /nodes/{name}/health: the request target after the prefix, byte for byte.
        const m = /^\/nodes\/([^/]+)(\/.*)$/.exec(req.url);
        if (m) {
          const node = clusterNodes.get(m[1]);
          const rest = m[2];
          const restPath = rest.split("?")[0];
          if (node && (restPath === "/health" || restPath === "/v1" || restPath.startsWith("/v1/"))) {
            return proxy(req, res, node.host ?? "127.0.0.1", node.port, rest);
          }
          return sendJson(res, 404, { code: "NOT_FOUND", message: "no such node or path" });
        }
        if (path === "/demo/nodes" || path.startsWith("/demo/nodes/")) return serveControl(req, res, path, cluster.control, actualPort);
        if (path === "/health" || path === "/v1" || path.startsWith("/v1/")) {
          return sendJson(res, 404, { code: "NOT_FOUND", message: "cluster mode: each node is under /nodes/{name}/ (see /demo-config.json)" });
        }
      } else if (path === "/health" || path === "/v1" || path.startsWith("/v1/")) return proxy(req, res, nodeHost, nodePort);
      if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { code: "INVALID_INPUT", message: "method not allowed" });
      if (path === "/demo-config.json") {
        if (!cluster) return sendJson(res, 200, { node: `http://${nodeHost}:${nodePort}` });
        return sendJson(res, 200, {
          mode: "cluster",
          nodes: [...clusterNodes.values()].map((n) => ({ name: n.name, node_id: n.nodeId, base: `/nodes/${n.name}` })),
          control: true,
        });
      }
      let decoded;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        return sendJson(res, 400, { code: "INVALID_INPUT", message: "bad path" });
      }
      if (decoded.includes("\0")) return sendJson(res, 400, { code: "INVALID_INPUT", message: "bad path" });
      for (const [prefix, dir] of prefixes) {
        if (!decoded.startsWith(prefix)) continue;
        const file = resolve(dir, "." + sep + decoded.slice(prefix.length));
        if (file !== dir && !file.startsWith(dir + sep)) break; // no escaping the mount
        if (await serveFile(res, file, req.method)) return;
        break;
      }
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8", ...SECURITY_HEADERS });
      res.end("not found");
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { code: "INTERNAL", message: "demo server error" });
      else res.destroy();
      console.error("[web] error:", e?.message ?? e);
    }
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      ok();
    });
  });
  const actual = server.address().port;
  actualPort = actual;
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    close: () => new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections(); // browsers keep connections alive
    }),
  };
}
