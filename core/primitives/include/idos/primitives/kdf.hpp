// Key derivation.
//
// idOS password derivation (compatible with idOS's clients):
//   secret = scrypt(password, salt = utf8(user_id), N = 16384, r = 8, p = 1, dkLen = 32)
//   key pair = X25519 key pair of `secret` (nacl.box.keyPair.fromSecretKey)
// The password MUST already be NFKC-normalised UTF-8: the core has no Unicode tables, and the JS
// layer does it with String.prototype.normalize("NFKC") before calling in. The salt is the user id
// text exactly as given (idOS's clients UTF-8-encode the id as typed, no case folding: an id typed
// in uppercase derives another key, there as here). Which ids are accepted is a UserIdSalt rule:
//   any_uuid (default): any 8-4-4-4-12 hex UUID, either case. This project's user ids may be any
//     UUID version, and the id is the salt of keys already derived: refusing a version would lock
//     those users out of their own keys.
//   idos_v4: idOS's validateSalt (idos-sdk-js packages/utils/src/encryption/idOSKeyDerivation.ts,
//     /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[a-f0-9]{4}-[a-f0-9]{12}$/i): a UUID whose version
//     digit (the first of the third group) is 4, either case; like idOS, the variant digit is not
//     checked. Anything else is invalid_input, as idOS throws "Invalid salt".
//
// Argon2id (libsodium crypto_pwhash) is for keys that are ours alone, such as vault wrapping keys.
//
// Every limit and default below is the only copy: the browser module exports them
// (wasm/bindings.cpp, `constants()`), and the JS package and its vault read them from there.
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
// is_uuid_text and a version digit of 4: idOS's UUID v4 test (variant not checked, as idOS).
bool is_idos_uuid_v4_text(std::string_view text);

enum class UserIdSalt { any_uuid, idos_v4 };

// Bounds of the generic scrypt(): its memory is 128 * r * N bytes, so these keep a caller (or a
// stored vault slot) from asking for gigabytes or hours.
inline constexpr uint64_t kScryptMinN = 2;
inline constexpr uint64_t kScryptMaxN = uint64_t{1} << 20;
inline constexpr uint32_t kScryptMaxR = 32;
inline constexpr uint32_t kScryptMaxP = 16;
inline constexpr size_t kScryptMaxOutputBytes = 64;
inline constexpr size_t kMaxSaltBytes = 1024;

// Generic scrypt (RFC 7914) into `out_size` (1..64) bytes; the idOS derivation below is this with
// fixed parameters. N must be a power of two in [kScryptMinN, kScryptMaxN]; r in [1, kScryptMaxR],
// p in [1, kScryptMaxP]; anything else is invalid_input.
Result<Secret> scrypt(ByteView password, ByteView salt, uint64_t n, uint32_t r, uint32_t p, size_t out_size);

Result<Secret> derive_idos_secret_key(std::string_view password_nfkc_utf8, std::string_view user_id,
                                      UserIdSalt rule = UserIdSalt::any_uuid);
Result<X25519KeyPair> derive_idos_encryption_key_pair(std::string_view password_nfkc_utf8, std::string_view user_id,
                                                      UserIdSalt rule = UserIdSalt::any_uuid);

// Argon2id bounds: the minimums are libsodium's (checked in kdf.cpp); the maximums keep a caller or
// a tampered vault slot from asking for more than a browser tab can give (the module's memory is
// capped at 256 MiB anyway, so above that it fails as internal, out of memory).
inline constexpr uint64_t kArgon2idMinOpsLimit = 1;
inline constexpr uint64_t kArgon2idMaxOpsLimit = 64;
inline constexpr size_t kArgon2idMinMemLimit = 8192;
inline constexpr size_t kArgon2idMaxMemLimit = size_t{1} << 30;
// Defaults: OWASP's minimum recommendation for Argon2id (t = 2, m = 19 MiB, p = 1), cheap enough to
// unlock a vault in a browser in well under a second. The vault stores the parameters it used
// with each slot, so changing these never locks an existing vault.
inline constexpr uint64_t kArgon2idDefaultOpsLimit = 2;
inline constexpr size_t kArgon2idDefaultMemLimit = size_t{19} << 20;

struct Argon2idParams {
  uint64_t ops_limit = kArgon2idDefaultOpsLimit;
  size_t mem_limit = kArgon2idDefaultMemLimit;
};
inline constexpr size_t kArgon2SaltSize = 16;

// Argon2id13 of `password` with a 16-byte salt into `out_size` bytes (16..64). Parameters outside
// [kArgon2idMin*, kArgon2idMax*] are invalid_input.
Result<Secret> argon2id(ByteView password, ByteView salt, size_t out_size, const Argon2idParams& params = {});

}  // namespace idos
