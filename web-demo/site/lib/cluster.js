// The cluster demo's parts of the page (scripts/demo --cluster, docs/demo.md): only used when the
// demo server's /demo-config.json says "cluster".
//
// - the header: per node its status (/health: ok, stopped, catching up, diverged, ...), applied
//   log position and the state hash it signed at that position (GET /v1/log/{position}, verified
//   in this page by the module against the permitted node ids), polled every 2 s, one poll at a
//   time, every request with a timeout;
// - the per-node receipts of each write: every node's signed log entry at the write's position,
//   verified the same way; a node that has not applied it yet (stopped, catching up) is asked
//   again when its applied position reaches it, so a restarted node's entry appears once it
//   caught up;
// - the node control: stop (SIGTERM), kill (SIGKILL), restart, through the demo server's
//   /demo/nodes/{name}/stop|start (loopback, same origin, this demo only; never the node itself).
import { verifyLogEntry } from "idos-core/client";
import { h, short, say } from "./dom.js";

const POLL_MS = 2000;          // header refresh
const FETCH_TIMEOUT_MS = 3000; // each request of a poll
const ENTRY_TIMEOUT_MS = 4000; // a log entry (a node waits up to 2 s for a position it has not applied)
const MAX_WRITES = 8;          // writes whose per-node entries the page shows and follows

/** The cluster's description from the demo server, or null when the demo runs one node. */
export async function loadClusterConfig() {
  try {
    const r = await fetch("/demo-config.json", { cache: "no-store", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!r.ok) return null;
    const config = await r.json();
    if (config?.mode !== "cluster" || !Array.isArray(config.nodes) || config.nodes.length === 0) return null;
    return config;
  } catch {
    return null;
  }
}

async function getJson(url, { headers = {}, timeout = FETCH_TIMEOUT_MS } = {}) {
  const r = await fetch(url, { cache: "no-store", headers, signal: AbortSignal.timeout(timeout) });
  let json = null;
  try {
    json = await r.json();
  } catch { /* not JSON: the proxy or a dead node */ }
  return { status: r.status, json };
}

const STATUS_WORDS = {
  ok: "ok",
  stopped: "stopped",
  unreachable: "unreachable",
  catching_up: "catching up",
  diverged: "diverged",
  degraded: "degraded",
  starting: "starting",
  stopping: "stopping",
};

export class ClusterView {
  /**
   * idos: the loaded module; config: /demo-config.json; header: the element the node cards go
   * in; aside: the side panel the per-node receipts are added to; onChange(): called after a poll.
   */
  constructor({ idos, config, header, aside, onNodeCurrent = () => null }) {
    this.idos = idos;
    this.nodes = config.nodes.map((n) => ({ ...n, health: null, reachable: false, status: "unreachable", position: 0,
      stateHash: null, hashVerified: false, hashWhy: "", running: true, stoppedWith: null, busy: null }));
    this.permitted = this.nodes.map((n) => n.node_id);
    this.control = Boolean(config.control);
    this.writes = [];
    this.polling = null;
    this.timer = null;
    this.onNodeCurrent = onNodeCurrent;
    this.#renderSkeleton(header, aside);
  }

  start() {
    this.timer = setInterval(() => this.poll(), POLL_MS);
    return this.poll();
  }

  // --- header ------------------------------------------------------------------------------------

  #renderSkeleton(header, aside) {
    this.out = h("div", { class: "status", hidden: true, testid: "cluster-control-status", role: "status", "aria-live": "polite" });
    this.cards = h("div", { class: "cluster-nodes" });
    this.box = h("section", { class: "cluster", testid: "cluster", "aria-label": "The storage nodes of the network" },
      h("div", { class: "cluster-head" },
        h("strong", {}, `${this.nodes.length} storage nodes, one replicated log`),
        h("span", { class: "muted small" }, " NATS JetStream orders every write; each node applies it and signs its state. The page writes to one node and fails over to the next; stop one and watch it catch up.")),
      this.cards, this.out);
    header.after(this.box);
    // The receipts panel's note: in this mode a receipt is trusted from any node of the network.
    const note = aside.querySelector("#receipts")?.previousElementSibling;
    if (note?.tagName === "P") {
      note.textContent = "Every write returns receipts signed by the node that answered it; this page verifies each one against the network's node ids (named by the demo server).";
    }
    this.entriesList = h("ol", { class: "receipts", id: "log-entries", testid: "log-entries" }, h("li", { class: "muted" }, "none yet"));
    aside.append(
      h("h2", {}, "Signed by each node"),
      h("p", { class: "muted" }, "For every write, each node's signed log entry at its position (GET /v1/log/{position}), verified in this page against the nodes' ids: the same state hash from every node means they hold the same state."),
      this.entriesList);
  }

  #renderNodes() {
    const current = this.onNodeCurrent();
    this.cards.replaceChildren(...this.nodes.map((n) => {
      const status = n.busy ?? n.status;
      const card = h("div", {
        class: `cnode cnode-${status}`, testid: `cluster-node-${n.name}`,
        dataset: { status, position: String(n.position), stateHash: n.stateHash ?? "", running: String(n.running) },
      },
      h("div", { class: "cnode-top" },
        h("b", {}, n.name),
        h("span", { class: `pill ${status === "ok" ? "pill-ok" : status === "catching_up" || status === "starting" || status === "stopping" ? "pill-wait" : "pill-bad"}`, testid: `cluster-status-${n.name}` },
          STATUS_WORDS[status] ?? status),
        n.reachable && n.health?.log_writable === false
          ? h("span", { class: "tag", title: "the node has no connection to the log (NATS): it answers reads from its state, refuses writes" }, "read-only")
          : null,
        current === n.base ? h("span", { class: "tag", testid: `cluster-inuse-${n.name}`, title: "the node this page's requests go to first (the last one that answered)" }, "in use") : null),
      h("div", { class: "small" },
        h("span", { testid: `cluster-position-${n.name}` }, n.reachable ? `applied #${n.position}` : `last seen at #${n.position}`),
        " · state ",
        n.stateHash
          ? h("code", { title: `${n.stateHash} (signed log entry at #${n.position}, ${n.hashVerified ? "signature verified" : "NOT verified"})`, testid: `cluster-hash-${n.name}` },
            `${n.hashVerified ? "" : "✗ "}${short(n.stateHash, 8, 0)}`)
          : h("span", { class: "muted", testid: `cluster-hash-${n.name}` }, n.hashWhy || "—")),
      h("div", { class: "muted small", title: n.node_id }, `id ${short(n.node_id, 10, 0)}`),
      this.control ? h("div", { class: "cnode-actions" },
        h("button", { type: "button", class: "small secondary", testid: `node-stop-${n.name}`, disabled: !n.running || n.busy !== null,
          title: "SIGTERM: the node shuts down cleanly", onclick: () => this.#act(n, "stop", "SIGTERM") }, "Stop"),
        h("button", { type: "button", class: "small danger", testid: `node-kill-${n.name}`, disabled: !n.running || n.busy !== null,
          title: "SIGKILL: a crash, nothing flushed", onclick: () => this.#act(n, "stop", "SIGKILL") }, "Kill -9"),
        h("button", { type: "button", class: "small", testid: `node-restart-${n.name}`, disabled: n.running || n.busy !== null,
          title: "starts it again on the same data folder: it catches up from the log", onclick: () => this.#act(n, "start") }, "Restart"))
        : null);
      return card;
    }));
  }

  // --- node control --------------------------------------------------------------------------------

  async #act(node, action, signal) {
    node.busy = action === "stop" ? "stopping" : "starting";
    this.#renderNodes();
    say(this.out, "busy", action === "stop" ? `Sending ${signal} to ${node.name}…` : `Starting ${node.name} again on its data folder…`);
    try {
      const r = await fetch(`/demo/nodes/${node.name}/${action}`, {
        method: "POST", headers: { "content-type": "application/json" }, cache: "no-store",
        body: JSON.stringify(action === "stop" ? { signal } : {}), signal: AbortSignal.timeout(30_000),
      });
      const json = await r.json().catch(() => null);
      if (!r.ok) throw new Error(json?.message ?? `HTTP ${r.status}`);
      node.running = json.running;
      node.stoppedWith = json.stopped_with;
      say(this.out, "ok", action === "stop"
        ? `${node.name} stopped (${signal}). Writes and reads go on through the other nodes.`
        : `${node.name} is running again: it catches up from the log to the others' position.`);
    } catch (e) {
      say(this.out, "error", h("strong", {}, "✗ "), `The demo could not ${action} ${node.name}: ${e.message}`);
    } finally {
      node.busy = null;
    }
    await this.poll();
  }

  // --- polling ---------------------------------------------------------------------------------------

  /** One refresh of every node (a poll already running is awaited, never doubled). */
  poll() {
    this.polling ??= this.#pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  async #pollOnce() {
    if (this.control) {
      try {
        const { status, json } = await getJson("/demo/nodes");
        if (status === 200) {
          for (const c of json.nodes ?? []) {
            const n = this.nodes.find((x) => x.name === c.name);
            if (n) {
              n.running = Boolean(c.running);
              n.stoppedWith = c.stopped_with ?? null;
            }
          }
        }
      } catch { /* the demo server is gone: the nodes' own answers say the rest */ }
    }
    await Promise.all(this.nodes.map((n) => this.#pollNode(n)));
    const reachable = this.nodes.filter((n) => n.reachable);
    const top = Math.max(0, ...reachable.map((n) => n.position));
    for (const n of this.nodes) {
      if (!n.reachable) n.status = n.running ? "unreachable" : "stopped";
      else if (n.health?.status === "diverged") n.status = "diverged";
      else if (n.health?.status !== "ok") n.status = n.health?.status === "degraded" ? "degraded" : String(n.health?.status ?? "unreachable");
      else if (n.position < top) n.status = "catching_up";
      else n.status = "ok";
    }
    this.#renderNodes();
    await this.#followWrites();
  }

  async #pollNode(n) {
    let health;
    try {
      health = await getJson(`${n.base}/health`);
    } catch {
      health = null;
    }
    // 200 ok, or 503 with a status (diverged, degraded): the node answers. 502: the proxy found nobody.
    if (!health || typeof health.json?.status !== "string" || typeof health.json?.log_position !== "number") {
      n.reachable = false;
      n.health = null;
      n.stateHash = null;
      n.hashWhy = "";
      return;
    }
    n.reachable = true;
    n.health = health.json;
    n.position = health.json.log_position;
    if (n.position === 0) {
      n.stateHash = null;
      n.hashWhy = "nothing applied yet";
      return;
    }
    const entry = await this.#entry(n, n.position);
    n.stateHash = entry.entry?.state_hash ?? null;
    n.hashVerified = entry.verified;
    n.hashWhy = entry.why;
  }

  /**
   * Node n's signed log entry at `position`, checked by the module: {entry, verified, why}. An
   * entry counts only when it is this node's (its id from the config), at that position, and its
   * signature verifies.
   */
  async #entry(n, position) {
    let r;
    try {
      r = await getJson(`${n.base}/v1/log/${position}`, { headers: { "idos-min-position": String(position) }, timeout: ENTRY_TIMEOUT_MS });
    } catch {
      return { entry: null, verified: false, why: "no answer" };
    }
    if (r.status !== 200) {
      // 404: not applied; 503: not applied within the node's wait; 502: the demo server's proxy found no node.
      const why = r.status === 404 || r.status === 503 ? "not applied yet" : r.status === 502 ? "no answer" : (r.json?.code ?? `HTTP ${r.status}`);
      return { entry: null, verified: false, why };
    }
    try {
      verifyLogEntry(this.idos, r.json, this.permitted, { expectedPosition: position });
      if (r.json.node_id !== n.node_id) return { entry: r.json, verified: false, why: "signed by another node's key" };
      return { entry: r.json, verified: true, why: "" };
    } catch (e) {
      return { entry: r.json, verified: false, why: `signature NOT verified (${e.code ?? e.message})` };
    }
  }

  // --- per-node receipts of the page's writes ------------------------------------------------------

  /** A write at `position` (from its receipts): asks every node for its signed entry. */
  async trackWrite(position, label) {
    if (!Number.isSafeInteger(position) || position <= 0) return;
    if (this.writes.some((w) => w.position === position)) return;
    const write = { position, label, entries: new Map() };
    this.writes.unshift(write);
    this.writes = this.writes.slice(0, MAX_WRITES);
    this.#renderWrites();
    await Promise.all(this.nodes.map((n) => this.#fetchEntry(write, n)));
    this.#renderWrites();
  }

  async #fetchEntry(write, n) {
    const got = await this.#entry(n, write.position);
    // A verified entry is kept; otherwise the latest answer (the node may still catch up).
    if (write.entries.get(n.name)?.verified) return;
    write.entries.set(n.name, got);
  }

  // After a poll: a node whose applied position reached a write it has no verified entry for yet
  // (it was stopped or behind) is asked again. At most MAX_WRITES writes x nodes per poll.
  async #followWrites() {
    const asks = [];
    for (const w of this.writes) {
      for (const n of this.nodes) {
        if (w.entries.get(n.name)?.verified) continue;
        if (n.reachable && n.position >= w.position) asks.push(this.#fetchEntry(w, n));
      }
    }
    if (asks.length) await Promise.all(asks);
    this.#renderWrites();
  }

  #renderWrites() {
    if (!this.writes.length) {
      this.entriesList.replaceChildren(h("li", { class: "muted" }, "none yet"));
      return;
    }
    this.entriesList.replaceChildren(...this.writes.map((w) => {
      const verified = this.nodes.map((n) => w.entries.get(n.name)).filter((e) => e?.verified);
      const hashes = new Set(verified.map((e) => e.entry.state_hash));
      const agree = hashes.size <= 1;
      const summary = !agree
        ? `✗ the nodes signed different state hashes at #${w.position}: diverged`
        : verified.length === this.nodes.length
          ? `✓ all ${this.nodes.length} nodes signed the same state at #${w.position}`
          : `${verified.length} of ${this.nodes.length} nodes signed #${w.position} so far`;
      return h("li", {
        class: agree && verified.length > 0 ? "ok" : "bad", testid: "write-entries",
        dataset: { position: String(w.position), signed: String(verified.length), agree: String(agree) },
      },
      h("span", { class: "what" }, h("span", { class: "rverdict" }, summary), ` · ${w.label}`),
      h("span", { class: "entry-chips" }, this.nodes.map((n) => {
        const e = w.entries.get(n.name);
        const state = e?.verified ? "verified" : e?.entry ? "refused" : "pending";
        const text = e?.verified
          ? [`${n.name} ✓ ${e.entry.result} · state `, h("code", { title: e.entry.state_hash }, short(e.entry.state_hash, 8, 0))]
          : e?.entry ? [`${n.name} ✗ ${e.why}`]
            : [`${n.name} … ${e?.why ?? "asking"}${n.reachable ? "" : ` (${n.running ? "unreachable" : "stopped"})`}`];
        return h("span", { class: `chip chip-${state}`, testid: `entry-${n.name}`, dataset: { state } }, ...text);
      })));
    }));
  }
}
