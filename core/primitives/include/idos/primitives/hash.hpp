// SHA-2 digests (libsodium).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "idos/primitives/bytes.hpp"

namespace idos {

using Sha256Digest = std::array<uint8_t, 32>;
using Sha512Digest = std::array<uint8_t, 64>;

Sha256Digest sha256(ByteView data);
Sha512Digest sha512(ByteView data);

// The grant spec's content_hash: lowercase hex SHA-256 of the plaintext bytes, no "0x".
std::string content_hash(ByteView plaintext);

}  // namespace idos
