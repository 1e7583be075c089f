// Keccak-256 as Ethereum uses it (EIP-55 checksums, addresses, EIP-191/EIP-712 digests).
//
// Why hand-written: libsodium has no Keccak / SHA-3, and this is the only member of the family we
// need. Spec: "The Keccak reference", version 3.0 (Bertoni, Daemen, Peeters, Van Assche), with
// Keccak[r=1088, c=512] and the ORIGINAL Keccak padding (pad10*1, first pad byte 0x01).
// This is NOT SHA3-256 from FIPS 202, which appends the domain bits 01 (first pad byte 0x06) and
// so gives different digests: keccak256("") = c5d24601..., sha3_256("") = a7ffc6f8...
//
// Timing: the inputs are public (messages, public keys), and the permutation has no data-dependent
// branches or table lookups anyway.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "idos/primitives/bytes.hpp"

namespace idos {

inline constexpr size_t kKeccak256Size = 32;
using Keccak256Digest = std::array<uint8_t, kKeccak256Size>;

// Keccak-256 digest of `data` (any length; hashing cannot fail).
Keccak256Digest keccak256_digest(ByteView data);

// Same digest as a byte vector, for call sites that concatenate or hex-encode.
Bytes keccak256(ByteView data);

}  // namespace idos
