// RIPEMD-160, for XRPL account ids (RIPEMD160(SHA256(public key))).
//
// Why hand-written: libsodium has no RIPEMD-160 (nor does WebCrypto), and the XRPL address needs
// it. Spec: H. Dobbertin, A. Bosselaers, B. Preneel, "RIPEMD-160: A Strengthened Version of
// RIPEMD" (FSE 1996), with the test vectors of the RIPEMD-160 page by A. Bosselaers.
// RIPEMD-160 is used here only to derive public identifiers, never as a security boundary.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "idos/primitives/bytes.hpp"

namespace idos {

inline constexpr size_t kRipemd160Size = 20;
using Ripemd160Digest = std::array<uint8_t, kRipemd160Size>;

// RIPEMD-160 digest of `data` (any length; hashing cannot fail).
Ripemd160Digest ripemd160(ByteView data);

}  // namespace idos
