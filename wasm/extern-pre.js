// Emscripten 3.1.6's ES module output uses `require` and `__dirname` under Node, which an ES
// module does not have. Define both lazily, under Node only (process.getBuiltinModule: Node >= 20.16),
// so the browser path never touches them and bundlers see no Node imports.
var __idosNodeRequire = null;
function require(id) {
  if (__idosNodeRequire === null) {
    if (typeof process !== "object" || typeof process.getBuiltinModule !== "function") {
      throw new Error("idos-core: require(" + id + ") outside Node >= 20.16");
    }
    __idosNodeRequire = process.getBuiltinModule("module").createRequire(import.meta.url);
  }
  return __idosNodeRequire(id);
}
var __dirname = (typeof process === "object" && typeof process.getBuiltinModule === "function")
  ? process.getBuiltinModule("path").dirname(process.getBuiltinModule("url").fileURLToPath(import.meta.url))
  : "";
