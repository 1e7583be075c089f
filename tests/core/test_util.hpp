// Helpers shared by the Catch2 suites (native and WASM builds alike).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "idos/primitives/bytes.hpp"

#ifndef IDOS_VECTORS_DIR
#error "IDOS_VECTORS_DIR must point at tests/vectors"
#endif

namespace idos::test {

// Reads a file under tests/vectors/ (works under Node too: the WASM test build uses NODERAWFS).
inline std::string read_vector_file(const std::string& name) {
  std::ifstream in(std::string(IDOS_VECTORS_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open vector file " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline nlohmann::json read_vector_json(const std::string& name) {
  return nlohmann::json::parse(read_vector_file(name));
}

// Test-only hex decoding (lenient about case), so vector files from elsewhere read as they are.
inline Bytes unhex(const std::string& hex) {
  Bytes out;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::runtime_error("bad hex in test vector");
  };
  if (hex.size() % 2) throw std::runtime_error("odd hex in test vector");
  for (size_t i = 0; i < hex.size(); i += 2) out.push_back(uint8_t(nib(hex[i]) * 16 + nib(hex[i + 1])));
  return out;
}

}  // namespace idos::test
