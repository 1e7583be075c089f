#include "idos/primitives/hash.hpp"

#include <sodium.h>

#include "idos/primitives/encoding.hpp"

namespace idos {

Sha256Digest sha256(ByteView data) {
  Sha256Digest out{};
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha512Digest sha512(ByteView data) {
  Sha512Digest out{};
  crypto_hash_sha512(out.data(), data.data(), data.size());
  return out;
}

std::string content_hash(ByteView plaintext) { return hex_encode(sha256(plaintext)); }

}  // namespace idos
