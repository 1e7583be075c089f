// The demo's web server: plain Node, no framework, 127.0.0.1 only.
//
// - serves the page (web-demo/site/) and the browser modules it imports through its import map:
//   /vendor/idos-core/   -> js/dist            (the npm package idos-core, built by js/scripts/build.mjs)
//   /vendor/ethers/      -> ethers' ESM build   (web-demo/node_modules)
//   /vendor/sqlite-wasm/ -> @sqlite.org/sqlite-wasm's ESM build (used by idos-core/vault)
// - reverse-proxies /v1/* and /health to the storage node, so the page talks to one origin (no
//   CORS) and the node's request target reaches it byte for byte (signed requests sign the path).
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

function proxy(req, res, nodeHost, nodePort) {
  const headers = { ...req.headers, host: `${nodeHost}:${nodePort}` };
  delete headers.connection;
  const upstream = httpRequest(
    { host: nodeHost, port: nodePort, method: req.method, path: req.url, headers, timeout: 30_000 },
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

/**
 * Starts the server. options: { port (0 = any), host, nodeHost, nodePort, mounts }.
 * Returns { url, port, close() }.
 */
export async function startServer({ port = 8080, host = "127.0.0.1", nodeHost = "127.0.0.1", nodePort = 8787, mounts = defaultMounts() } = {}) {
  const prefixes = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://demo.invalid");
      const path = url.pathname;
      if (path === "/health" || path === "/v1" || path.startsWith("/v1/")) return proxy(req, res, nodeHost, nodePort);
      if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { code: "INVALID_INPUT", message: "method not allowed" });
      if (path === "/demo-config.json") return sendJson(res, 200, { node: `http://${nodeHost}:${nodePort}` });
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
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    close: () => new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections(); // browsers keep connections alive
    }),
  };
}
