// idOS-compatible public-key encryption: NaCl box (X25519-XSalsa20-Poly1305) with a fresh
// ephemeral sender key per message.
//
// Wire form (as idOS stores credential content):
//   content              = base64(nonce(24) || mac(16) || ciphertext)
//   encryptor_public_key = base64(ephemeral X25519 public key (32))
// The ephemeral secret key is wiped right after use, so only the recipient can open the message.
// Also NaCl sealed boxes (crypto_box_seal), which carry the ephemeral key inside.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/secret.hpp"

namespace idos {

inline constexpr size_t kX25519KeySize = 32;
inline constexpr size_t kBoxNonceSize = 24;
inline constexpr size_t kBoxMacSize = 16;
// Largest plaintext the core encrypts or decrypts in one message.
inline constexpr size_t kMaxBoxPlaintext = 8u << 20;

using X25519PublicKey = std::array<uint8_t, kX25519KeySize>;

struct X25519KeyPair {
  X25519PublicKey public_key{};
  Secret secret_key;  // 32 bytes
};

Result<X25519KeyPair> x25519_generate();
// The public key of a 32-byte X25519 secret (as nacl.box.keyPair.fromSecretKey).
Result<X25519KeyPair> x25519_from_secret(ByteView secret_key);
Result<X25519PublicKey> x25519_public_key_from_bytes(ByteView bytes);

// Raw X25519 (crypto_scalarmult). Refuses an all-zero result (invalid_key): a low-order public key.
Result<Secret> x25519_shared_secret(ByteView our_secret_key, ByteView their_public_key);

struct BoxMessage {
  std::string content;               // base64(nonce || mac || ciphertext)
  std::string encryptor_public_key;  // base64(ephemeral public key)
};

// Encrypts to `recipient_public_key` with a fresh ephemeral key and a random nonce.
// Errors: invalid_length (key size), invalid_key (low-order recipient key), too_large.
Result<BoxMessage> box_encrypt(ByteView plaintext, ByteView recipient_public_key);

// Opens an idOS box. Errors, each distinct: invalid_encoding (base64), invalid_length (content
// shorter than nonce + mac, key sizes), invalid_key (all-zero shared secret: low-order public key),
// decrypt_failed (wrong key or tampered content), too_large.
Result<Bytes> box_decrypt(std::string_view content, ByteView encryptor_public_key, const Secret& recipient_secret_key);
// The same with the encryptor key in base64, as stored.
Result<Bytes> box_decrypt(std::string_view content, std::string_view encryptor_public_key_base64,
                          const Secret& recipient_secret_key);

// Raw-bytes layers under the base64 wire form (nonce || mac || ciphertext).
Result<Bytes> box_open_raw(ByteView nonce_mac_ciphertext, ByteView sender_public_key, const Secret& recipient_secret_key);

// Sealed boxes: ephemeral public key (32) || mac (16) || ciphertext.
Result<Bytes> box_seal(ByteView plaintext, ByteView recipient_public_key);
Result<Bytes> box_seal_open(ByteView sealed, const X25519KeyPair& recipient);

}  // namespace idos
