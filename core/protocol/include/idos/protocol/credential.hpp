// idOS credentials: the encrypted, issuer-signed record a storage node keeps, and shared copies
// (docs/spec/credentials.md).
//
//   content                = base64(nonce || mac || box(plaintext))    (box.hpp, to the owner's key)
//   encryptor_public_key   = base64(ephemeral X25519 public key)
//   issuer_auth_public_key = 64 lowercase hex Ed25519 public key
//   public_notes_signature = base64(Ed25519(utf8(public_notes)))
//   broader_signature      = base64(Ed25519(public_notes_signature bytes || base64decode(content)))
//
// A shared copy is the same plaintext re-encrypted to the grantee's X25519 key with a fresh
// ephemeral key, public_notes "" and signed by a fresh Ed25519 key that is thrown away, so no one
// (not even the original issuer) can produce an edited copy that still verifies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/box.hpp"
#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/sign.hpp"

namespace idos {

inline constexpr size_t kMaxPublicNotesBytes = 64 * 1024;
// base64 of nonce + mac + kMaxBoxPlaintext, rounded up.
inline constexpr size_t kMaxCredentialContentChars = ((kBoxNonceSize + kBoxMacSize + kMaxBoxPlaintext + 2) / 3) * 4;
// A credential document (JSON) as validate_document reads it.
inline constexpr size_t kMaxCredentialDocumentBytes = kMaxCredentialContentChars + 256 * 1024;

struct Credential {
  std::string id;       // UUID
  std::string user_id;  // UUID of the owner
  std::string public_notes;
  std::string content;
  std::string encryptor_public_key;
  std::string issuer_auth_public_key;
  std::string public_notes_signature;
  std::string broader_signature;
};

// Signs already-encrypted content with the issuer key (fills the last three fields).
Result<Credential> sign_credential(std::string_view id, std::string_view user_id, std::string_view public_notes,
                                   const BoxMessage& encrypted, const Ed25519KeyPair& issuer);

// Encrypts `plaintext` to `recipient_public_key` (fresh ephemeral key) and signs it.
Result<Credential> build_credential(std::string_view id, std::string_view user_id, std::string_view public_notes,
                                    ByteView plaintext, ByteView recipient_public_key, const Ed25519KeyPair& issuer);

struct SharedCopy {
  Credential credential;     // public_notes "", signed by a discarded fresh key
  std::string content_hash;  // of the plaintext, for the access grant
};
// Re-encrypts `plaintext` to the grantee. `copy_id` is the new record's id (caller's choice).
Result<SharedCopy> make_shared_copy(std::string_view copy_id, std::string_view user_id, ByteView plaintext,
                                    ByteView grantee_public_key);

// Every field rule and both signatures (verify_failed when a well-formed signature is wrong).
Status verify_credential(const Credential& credential);

}  // namespace idos
