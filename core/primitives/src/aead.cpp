#include "idos/primitives/aead.hpp"

#include <sodium.h>

#include "idos/primitives/init.hpp"

namespace idos {
namespace {
Status check_key_nonce(ByteView nonce, const Secret& key) {
  if (key.size() != kAeadKeySize) return make_error(ErrorCode::invalid_length, "AEAD key must be 32 bytes");
  if (nonce.size() != kAeadNonceSize) return make_error(ErrorCode::invalid_length, "XChaCha20 nonce must be 24 bytes");
  return ok_status();
}
}  // namespace

Result<Secret> aead_generate_key() {
  IDOS_CHECK(initialize());
  IDOS_TRY(Secret key, Secret::allocate(kAeadKeySize));
  crypto_aead_xchacha20poly1305_ietf_keygen(key.expose_mut().data());
  return key;
}

Result<Bytes> aead_encrypt(ByteView plaintext, ByteView ad, ByteView nonce, const Secret& key) {
  IDOS_CHECK(initialize());
  IDOS_CHECK(check_key_nonce(nonce, key));
  if (plaintext.size() > kMaxAeadPlaintext) return make_error(ErrorCode::too_large, "plaintext is over the 64 MiB limit");
  Bytes out(plaintext.size() + kAeadTagSize);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, nonce.data(), key.expose().data());
  out.resize(written);
  return out;
}

Result<Bytes> aead_decrypt(ByteView ciphertext, ByteView ad, ByteView nonce, const Secret& key) {
  IDOS_CHECK(initialize());
  IDOS_CHECK(check_key_nonce(nonce, key));
  if (ciphertext.size() < kAeadTagSize) return make_error(ErrorCode::invalid_length, "ciphertext is shorter than the tag");
  if (ciphertext.size() - kAeadTagSize > kMaxAeadPlaintext) return make_error(ErrorCode::too_large, "ciphertext is over the 64 MiB limit");
  Bytes out(ciphertext.size() - kAeadTagSize);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext.data(), ciphertext.size(),
                                                 ad.data(), ad.size(), nonce.data(), key.expose().data()) != 0) {
    return make_error(ErrorCode::decrypt_failed, "AEAD authentication failed");
  }
  out.resize(written);
  return out;
}

Result<Bytes> aead_seal(ByteView plaintext, ByteView ad, const Secret& key) {
  IDOS_CHECK(initialize());
  uint8_t nonce[kAeadNonceSize];
  randombytes_buf(nonce, sizeof nonce);
  IDOS_TRY(Bytes body, aead_encrypt(plaintext, ad, ByteView(nonce, sizeof nonce), key));
  Bytes out(nonce, nonce + sizeof nonce);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Result<Bytes> aead_open(ByteView sealed, ByteView ad, const Secret& key) {
  if (sealed.size() < kAeadNonceSize + kAeadTagSize) return make_error(ErrorCode::invalid_length, "sealed data is shorter than nonce + tag");
  return aead_decrypt(sealed.subspan(kAeadNonceSize), ad, sealed.first(kAeadNonceSize), key);
}

}  // namespace idos
