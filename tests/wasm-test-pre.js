// libsodium's randombytes in WASM asks Module.getRandomValue; Node has Web Crypto.
Module["getRandomValue"] = function () {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0] >>> 0;
};
