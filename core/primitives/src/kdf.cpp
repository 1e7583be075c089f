#include "idos/primitives/kdf.hpp"

#include <sodium.h>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/init.hpp"

namespace idos {

// The header writes libsodium's limits out (public headers expose no library types): keep them true.
static_assert(kArgon2idMinOpsLimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kArgon2idMinMemLimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(kArgon2SaltSize == crypto_pwhash_argon2id_SALTBYTES);

bool is_uuid_text(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

bool is_idos_uuid_v4_text(std::string_view text) { return is_uuid_text(text) && text[14] == '4'; }

Result<Secret> scrypt(ByteView password, ByteView salt, uint64_t n, uint32_t r, uint32_t p, size_t out_size) {
  IDOS_CHECK(initialize());
  if (password.size() > kMaxPasswordBytes) return make_error(ErrorCode::too_large, "password is over 1024 bytes");
  if (salt.size() > kMaxSaltBytes) return make_error(ErrorCode::too_large, "salt is over 1024 bytes");
  if (n < kScryptMinN || (n & (n - 1)) != 0 || n > kScryptMaxN || r == 0 || r > kScryptMaxR || p == 0 ||
      p > kScryptMaxP) {
    return make_error(ErrorCode::invalid_input, "scrypt parameters out of range (N a power of two in [2, 2^20], r in [1, 32], p in [1, 16])");
  }
  if (out_size == 0 || out_size > kScryptMaxOutputBytes) return make_error(ErrorCode::invalid_length, "scrypt output must be 1..64 bytes");
  IDOS_TRY(Secret out, Secret::allocate(out_size));
  if (crypto_pwhash_scryptsalsa208sha256_ll(password.data(), password.size(), salt.data(), salt.size(), n, r, p,
                                            out.expose_mut().data(), out.size()) != 0) {
    return make_error(ErrorCode::internal, "scrypt failed (out of memory?)");
  }
  return out;
}

Result<Secret> derive_idos_secret_key(std::string_view password, std::string_view user_id, UserIdSalt rule) {
  if (password.size() > kMaxPasswordBytes) return make_error(ErrorCode::too_large, "password is over 1024 bytes");
  IDOS_CHECK(check_utf8(password, "password"));
  if (!is_uuid_text(user_id)) return make_error(ErrorCode::invalid_input, "user id must be a UUID (it is the scrypt salt)");
  if (rule == UserIdSalt::idos_v4 && !is_idos_uuid_v4_text(user_id)) {
    return make_error(ErrorCode::invalid_input, "user id must be a UUID v4 (idOS's salt rule)");
  }
  // The id as given, not lowercased: idOS's clients feed utf8(salt) as typed.
  return scrypt(as_bytes(password), as_bytes(user_id), kIdosScryptN, kIdosScryptR, kIdosScryptP, kX25519KeySize);
}

Result<X25519KeyPair> derive_idos_encryption_key_pair(std::string_view password, std::string_view user_id,
                                                      UserIdSalt rule) {
  IDOS_TRY(Secret secret, derive_idos_secret_key(password, user_id, rule));
  return x25519_from_secret(secret.expose());
}

Result<Secret> argon2id(ByteView password, ByteView salt, size_t out_size, const Argon2idParams& params) {
  IDOS_CHECK(initialize());
  if (salt.size() != kArgon2SaltSize) return make_error(ErrorCode::invalid_length, "Argon2id salt must be 16 bytes");
  if (out_size < 16 || out_size > 64) return make_error(ErrorCode::invalid_length, "Argon2id output must be 16..64 bytes");
  if (password.size() > kMaxPasswordBytes) return make_error(ErrorCode::too_large, "password is over 1024 bytes");
  if (params.ops_limit < kArgon2idMinOpsLimit || params.ops_limit > kArgon2idMaxOpsLimit) {
    return make_error(ErrorCode::invalid_input, "Argon2id opsLimit out of range [1, 64]");
  }
  if (params.mem_limit < kArgon2idMinMemLimit || params.mem_limit > kArgon2idMaxMemLimit) {
    return make_error(ErrorCode::invalid_input, "Argon2id memLimit out of range [8192, 2^30] bytes");
  }
  IDOS_TRY(Secret out, Secret::allocate(out_size));
  if (crypto_pwhash(out.expose_mut().data(), out.size(), reinterpret_cast<const char*>(password.data()),
                    password.size(), salt.data(), params.ops_limit, params.mem_limit,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::internal, "Argon2id failed (out of memory?)");
  }
  return out;
}

}  // namespace idos
