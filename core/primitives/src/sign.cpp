#include "idos/primitives/sign.hpp"

#include <sodium.h>

#include <cstring>

#include "idos/primitives/init.hpp"

namespace idos {

Result<Ed25519KeyPair> ed25519_generate() {
  IDOS_CHECK(initialize());
  Ed25519KeyPair pair;
  IDOS_TRY(pair.secret_key, Secret::allocate(crypto_sign_SECRETKEYBYTES));
  crypto_sign_keypair(pair.public_key.data(), pair.secret_key.expose_mut().data());
  return pair;
}

Result<Ed25519KeyPair> ed25519_from_seed(ByteView seed) {
  IDOS_CHECK(initialize());
  if (seed.size() != kEd25519SeedSize) return make_error(ErrorCode::invalid_length, "Ed25519 seed must be 32 bytes");
  Ed25519KeyPair pair;
  IDOS_TRY(pair.secret_key, Secret::allocate(crypto_sign_SECRETKEYBYTES));
  crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.expose_mut().data(), seed.data());
  return pair;
}

Result<Secret> ed25519_seed(const Ed25519KeyPair& pair) {
  if (pair.secret_key.size() != crypto_sign_SECRETKEYBYTES) return make_error(ErrorCode::invalid_key, "not an Ed25519 key pair");
  return Secret::copy_of(pair.secret_key.expose().first(kEd25519SeedSize));
}

Result<Ed25519Signature> ed25519_sign(ByteView message, const Ed25519KeyPair& pair) {
  IDOS_CHECK(initialize());
  if (pair.secret_key.size() != crypto_sign_SECRETKEYBYTES) return make_error(ErrorCode::invalid_key, "not an Ed25519 key pair");
  Ed25519Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), pair.secret_key.expose().data());
  return sig;
}

Status ed25519_verify(ByteView message, ByteView signature, ByteView public_key) {
  IDOS_CHECK(initialize());
  if (public_key.size() != kEd25519PublicKeySize) return make_error(ErrorCode::invalid_length, "Ed25519 public key must be 32 bytes");
  if (signature.size() != kEd25519SignatureSize) return make_error(ErrorCode::invalid_signature, "Ed25519 signature must be 64 bytes");
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) != 0) {
    return make_error(ErrorCode::verify_failed, "the Ed25519 signature does not verify");
  }
  return ok_status();
}

}  // namespace idos
