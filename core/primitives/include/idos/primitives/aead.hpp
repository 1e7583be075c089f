// XChaCha20-Poly1305 (IETF construction, libsodium): for data at rest on the node and the local
// vault. Wire form of `aead_seal`: nonce(24) || ciphertext || tag(16), with a random nonce.
#pragma once

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/secret.hpp"

namespace idos {

inline constexpr size_t kAeadKeySize = 32;
inline constexpr size_t kAeadNonceSize = 24;
inline constexpr size_t kAeadTagSize = 16;
inline constexpr size_t kMaxAeadPlaintext = 64u << 20;

Result<Secret> aead_generate_key();

// Explicit-nonce layer (nonce reuse under one key is the caller's bug: prefer aead_seal).
Result<Bytes> aead_encrypt(ByteView plaintext, ByteView associated_data, ByteView nonce, const Secret& key);
Result<Bytes> aead_decrypt(ByteView ciphertext_and_tag, ByteView associated_data, ByteView nonce, const Secret& key);

// Random-nonce layer: nonce || ciphertext || tag.
Result<Bytes> aead_seal(ByteView plaintext, ByteView associated_data, const Secret& key);
Result<Bytes> aead_open(ByteView sealed, ByteView associated_data, const Secret& key);

}  // namespace idos
