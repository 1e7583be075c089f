// Randomness for libsodium inside the module: it asks Module.getRandomValue for 32 bits at a time.
// A small pool refilled from Web Crypto (browsers and Node >= 19 both have globalThis.crypto)
// keeps that from costing one getRandomValues call per word. No import.meta here (terser).
(function () {
  var pool = new Uint32Array(256);
  var next = pool.length;
  Module["getRandomValue"] = function () {
    if (next >= pool.length) {
      globalThis.crypto.getRandomValues(pool);
      next = 0;
    }
    var word = pool[next];
    pool[next++] = 0;
    return word >>> 0;
  };
})();
