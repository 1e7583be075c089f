// Key derivation.
//
// idOS password derivation (compatible with idOS's clients):
//   secret = scrypt(password, salt = utf8(user_id), N = 16384, r = 8, p = 1, dkLen = 32)
//   key pair = X25519 key pair of `secret` (nacl.box.keyPair.fromSecretKey)
// The password MUST already be NFKC-normalised UTF-8: the core has no Unicode tables, and the JS
// layer does it with String.prototype.normalize("NFKC") before calling in. user_id must be a UUID
// (8-4-4-4-12 hex, either case, as idOS's validateSalt accepts); the text is the salt as given.
//
// Argon2id (libsodium crypto_pwhash) is for keys that are ours alone, such as vault wrapping keys.
#pragma once

#include <cstdint>
#include <string_view>

#include "idos/primitives/box.hpp"
#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/secret.hpp"

namespace idos {

inline constexpr uint64_t kIdosScryptN = 16384;
inline constexpr uint32_t kIdosScryptR = 8;
inline constexpr uint32_t kIdosScryptP = 1;
inline constexpr size_t kMaxPasswordBytes = 1024;

// True for 8-4-4-4-12 hex groups (either case).
bool is_uuid_text(std::string_view text);

// Generic scrypt (RFC 7914) into `out_size` bytes; the idOS derivation below is this with fixed
// parameters. N must be a power of two > 1.
Result<Secret> scrypt(ByteView password, ByteView salt, uint64_t n, uint32_t r, uint32_t p, size_t out_size);

Result<Secret> derive_idos_secret_key(std::string_view password_nfkc_utf8, std::string_view user_id);
Result<X25519KeyPair> derive_idos_encryption_key_pair(std::string_view password_nfkc_utf8, std::string_view user_id);

struct Argon2idParams {
  uint64_t ops_limit = 3;              // libsodium's MODERATE-ish defaults for interactive unlocks
  size_t mem_limit = 64u << 20;        // 64 MiB
};
inline constexpr size_t kArgon2SaltSize = 16;

// Argon2id13 of `password` with a 16-byte salt into `out_size` bytes (16..64).
Result<Secret> argon2id(ByteView password, ByteView salt, size_t out_size, const Argon2idParams& params = {});

}  // namespace idos
