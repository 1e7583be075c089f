// A tiny static server for the browser tests, on 127.0.0.1 and a random port.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json",
};

/** mounts: { "/pkg/": "/abs/dir", ... }; extra: { "/params.json": object } */
export async function serve(mounts, extra = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path in extra) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(extra[path]));
      return;
    }
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const rel = normalize(path.slice(prefix.length)).replace(/^(\.\.(\/|$))+/, "");
      try {
        const body = await readFile(join(dir, rel));
        res.writeHead(200, {
          "content-type": TYPES[extname(rel)] ?? "application/octet-stream",
          // OPFS sync access handles (sqlite-wasm's opfs VFS) need cross-origin isolation.
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        });
        res.end(body);
      } catch {
        res.writeHead(404).end("not found");
      }
      return;
    }
    res.writeHead(404).end("not found");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => {
    server.close(r);
    server.closeAllConnections(); // browsers keep connections alive
  }) };
}
