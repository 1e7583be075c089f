// The `require` condition of package.json's "exports": idos-core is an ES module only (the
// WebAssembly module is instantiated asynchronously by `await load()`), so `require("idos-core")`
// fails here with a message saying what to write instead, rather than with Node's
// "No exports main defined".
"use strict";
throw new Error(
  "idos-core is ESM-only and cannot be loaded with require(). Use\n" +
  "  import { load } from \"idos-core\";            // in an ES module (.mjs, or \"type\": \"module\")\n" +
  "  const { load } = await import(\"idos-core\");   // from CommonJS\n" +
  "(the same for \"idos-core/client\" and \"idos-core/vault\").",
);
