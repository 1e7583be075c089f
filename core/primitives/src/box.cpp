#include "idos/primitives/box.hpp"

#include <sodium.h>

#include <cstring>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/init.hpp"

namespace idos {
namespace {

Status check_public_key(ByteView key, const char* what) {
  if (key.size() != kX25519KeySize) {
    return make_error(ErrorCode::invalid_length, std::string(what) + " must be 32 bytes");
  }
  return ok_status();
}

// The shared key for (their public, our secret); refuses an all-zero X25519 output, which a
// low-order public key forces (libsodium's crypto_box_beforenm returns -1 then).
Result<Secret> shared_key(ByteView their_public, ByteView our_secret) {
  IDOS_TRY(Secret key, Secret::allocate(crypto_box_BEFORENMBYTES));
  if (crypto_box_beforenm(key.expose_mut().data(), their_public.data(), our_secret.data()) != 0) {
    return make_error(ErrorCode::invalid_key, "public key has low order (all-zero shared secret)");
  }
  return key;
}

}  // namespace

Result<X25519KeyPair> x25519_generate() {
  IDOS_CHECK(initialize());
  X25519KeyPair pair;
  IDOS_TRY(pair.secret_key, Secret::allocate(kX25519KeySize));
  crypto_box_keypair(pair.public_key.data(), pair.secret_key.expose_mut().data());
  return pair;
}

Result<X25519KeyPair> x25519_from_secret(ByteView secret_key) {
  IDOS_CHECK(initialize());
  if (secret_key.size() != kX25519KeySize) return make_error(ErrorCode::invalid_length, "X25519 secret key must be 32 bytes");
  X25519KeyPair pair;
  IDOS_TRY(pair.secret_key, Secret::copy_of(secret_key));
  crypto_scalarmult_base(pair.public_key.data(), pair.secret_key.expose().data());
  return pair;
}

Result<X25519PublicKey> x25519_public_key_from_bytes(ByteView bytes) {
  IDOS_CHECK(check_public_key(bytes, "X25519 public key"));
  X25519PublicKey key{};
  std::memcpy(key.data(), bytes.data(), key.size());
  return key;
}

Result<Secret> x25519_shared_secret(ByteView our_secret_key, ByteView their_public_key) {
  IDOS_CHECK(initialize());
  IDOS_CHECK(check_public_key(their_public_key, "X25519 public key"));
  if (our_secret_key.size() != kX25519KeySize) return make_error(ErrorCode::invalid_length, "X25519 secret key must be 32 bytes");
  IDOS_TRY(Secret out, Secret::allocate(kX25519KeySize));
  if (crypto_scalarmult(out.expose_mut().data(), our_secret_key.data(), their_public_key.data()) != 0) {
    return make_error(ErrorCode::invalid_key, "public key has low order (all-zero shared secret)");
  }
  return out;
}

Result<BoxMessage> box_encrypt(ByteView plaintext, ByteView recipient_public_key) {
  IDOS_CHECK(initialize());
  IDOS_CHECK(check_public_key(recipient_public_key, "recipient public key"));
  if (plaintext.size() > kMaxBoxPlaintext) return make_error(ErrorCode::too_large, "plaintext is over the 8 MiB limit");
  IDOS_TRY(X25519KeyPair ephemeral, x25519_generate());
  IDOS_TRY(Secret key, shared_key(recipient_public_key, ephemeral.secret_key.expose()));
  Bytes wire(kBoxNonceSize + kBoxMacSize + plaintext.size());
  randombytes_buf(wire.data(), kBoxNonceSize);
  crypto_box_easy_afternm(wire.data() + kBoxNonceSize, plaintext.data(), plaintext.size(), wire.data(),
                          key.expose().data());
  return BoxMessage{base64_encode(wire), base64_encode(ephemeral.public_key)};
}

Result<Bytes> box_open_raw(ByteView wire, ByteView sender_public_key, const Secret& recipient_secret_key) {
  IDOS_CHECK(initialize());
  IDOS_CHECK(check_public_key(sender_public_key, "encryptor public key"));
  if (recipient_secret_key.size() != kX25519KeySize) return make_error(ErrorCode::invalid_length, "recipient secret key must be 32 bytes");
  if (wire.size() < kBoxNonceSize + kBoxMacSize) {
    return make_error(ErrorCode::invalid_length, "content is shorter than nonce + MAC (40 bytes)");
  }
  if (wire.size() - kBoxNonceSize - kBoxMacSize > kMaxBoxPlaintext) return make_error(ErrorCode::too_large, "content is over the 8 MiB limit");
  IDOS_TRY(Secret key, shared_key(sender_public_key, recipient_secret_key.expose()));
  Bytes plaintext(wire.size() - kBoxNonceSize - kBoxMacSize);
  if (crypto_box_open_easy_afternm(plaintext.data(), wire.data() + kBoxNonceSize, wire.size() - kBoxNonceSize,
                                   wire.data(), key.expose().data()) != 0) {
    return make_error(ErrorCode::decrypt_failed, "decryption failed: wrong key or tampered content");
  }
  return plaintext;
}

Result<Bytes> box_decrypt(std::string_view content, ByteView encryptor_public_key, const Secret& recipient_secret_key) {
  // base64 of (40 + 8 MiB) bytes, so oversize content is refused before decoding.
  IDOS_TRY(Bytes wire, base64_decode(content, (kMaxBoxPlaintext + kBoxNonceSize + kBoxMacSize + 2) / 3 * 4));
  return box_open_raw(wire, encryptor_public_key, recipient_secret_key);
}

Result<Bytes> box_decrypt(std::string_view content, std::string_view encryptor_public_key_base64,
                          const Secret& recipient_secret_key) {
  IDOS_TRY(Bytes key, base64_decode(encryptor_public_key_base64, 64));
  return box_decrypt(content, ByteView(key), recipient_secret_key);
}

Result<Bytes> box_seal(ByteView plaintext, ByteView recipient_public_key) {
  IDOS_CHECK(initialize());
  IDOS_CHECK(check_public_key(recipient_public_key, "recipient public key"));
  if (plaintext.size() > kMaxBoxPlaintext) return make_error(ErrorCode::too_large, "plaintext is over the 8 MiB limit");
  Bytes sealed(crypto_box_SEALBYTES + plaintext.size());
  if (crypto_box_seal(sealed.data(), plaintext.data(), plaintext.size(), recipient_public_key.data()) != 0) {
    return make_error(ErrorCode::invalid_key, "recipient public key has low order");
  }
  return sealed;
}

Result<Bytes> box_seal_open(ByteView sealed, const X25519KeyPair& recipient) {
  IDOS_CHECK(initialize());
  if (sealed.size() < crypto_box_SEALBYTES) return make_error(ErrorCode::invalid_length, "sealed box is shorter than 48 bytes");
  if (sealed.size() - crypto_box_SEALBYTES > kMaxBoxPlaintext) return make_error(ErrorCode::too_large, "sealed box is over the 8 MiB limit");
  if (recipient.secret_key.size() != kX25519KeySize) return make_error(ErrorCode::invalid_length, "recipient secret key must be 32 bytes");
  // Tell a low-order ephemeral key apart from a bad MAC, as box_decrypt does.
  IDOS_TRY(Secret probe, shared_key(sealed.first(kX25519KeySize), recipient.secret_key.expose()));
  Bytes plaintext(sealed.size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(plaintext.data(), sealed.data(), sealed.size(), recipient.public_key.data(),
                           recipient.secret_key.expose().data()) != 0) {
    return make_error(ErrorCode::decrypt_failed, "decryption failed: wrong key or tampered sealed box");
  }
  return plaintext;
}

}  // namespace idos
