// Operator packaging: the install rules give a stripped idos-node that runs, and the systemd unit
// in packaging/ passes `systemd-analyze verify` (with its paths pointing at this build).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, NODE_BIN, PLUGIN, tempDir, removeDir } from "./helpers.mjs";

const BUILD = path.resolve(path.dirname(NODE_BIN), "..");

test("cmake --install --component node --strip: a stripped binary, the unit and an example config", () => {
  const prefix = tempDir();
  try {
    execFileSync("cmake", ["--install", BUILD, "--component", "node", "--strip", "--prefix", prefix], { stdio: "pipe" });
    const bin = path.join(prefix, "bin", "idos-node");
    assert.ok(existsSync(bin));
    const sections = execFileSync("readelf", ["-S", "-W", bin]).toString();
    assert.doesNotMatch(sections, /\.debug_info|\.symtab/, "stripped");
    assert.match(execFileSync(bin, ["--version"]).toString(), /^idos-node \d+\.\d+\.\d+/);
    assert.ok(existsSync(path.join(prefix, "lib", "systemd", "system", "idos-node.service")));
    assert.ok(existsSync(path.join(prefix, "share", "idos-node", "node.conf.example")));
  } finally {
    removeDir(prefix);
  }
});

test("packaging/idos-node.service passes systemd-analyze verify", () => {
  const dir = tempDir();
  try {
    const unit = readFileSync(path.join(ROOT, "packaging", "idos-node.service.in"), "utf8")
      .replaceAll("@IDOS_INSTALL_BINDIR@", path.dirname(NODE_BIN))
      .replaceAll("@IDOS_INSTALL_LIBDIR@", path.dirname(PLUGIN));
    const file = path.join(dir, "idos-node.service");
    writeFileSync(file, unit);
    let out = "";
    try {
      out = execFileSync("systemd-analyze", ["verify", file], { stdio: "pipe" }).toString();
    } catch (e) {
      assert.fail(`systemd-analyze verify failed:\n${e.stdout}${e.stderr}`);
    }
    assert.doesNotMatch(out, /idos-node\.service:/, out);
  } finally {
    removeDir(dir);
  }
});
