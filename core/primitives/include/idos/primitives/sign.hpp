// Ed25519 signatures (libsodium). Verification is strict, as libsodium's: it rejects
// non-canonical S (S >= L), small-order and non-canonical public keys and small-order R.
#pragma once

#include <array>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/secret.hpp"

namespace idos {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

using Ed25519PublicKey = std::array<uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<uint8_t, kEd25519SignatureSize>;

struct Ed25519KeyPair {
  Ed25519PublicKey public_key{};
  Secret secret_key;  // libsodium's 64-byte form: seed || public key
};

Result<Ed25519KeyPair> ed25519_generate();
Result<Ed25519KeyPair> ed25519_from_seed(ByteView seed);
// The 32-byte seed of a key pair (for explicit export only).
Result<Secret> ed25519_seed(const Ed25519KeyPair& pair);

Result<Ed25519Signature> ed25519_sign(ByteView message, const Ed25519KeyPair& pair);

// ok: the signature verifies. verify_failed: well-formed but does not verify. invalid_length: a
// public key that is not 32 bytes; invalid_signature: a signature that is not 64 bytes.
Status ed25519_verify(ByteView message, ByteView signature, ByteView public_key);

}  // namespace idos
