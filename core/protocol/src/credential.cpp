// Credential building and verification (see credential.hpp, docs/spec/credentials.md).
#include "idos/protocol/credential.hpp"

#include "idos/primitives/encoding.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"

namespace idos {
namespace {

Status check_public_notes(std::string_view notes) {
  if (notes.size() > kMaxPublicNotesBytes) return make_error(ErrorCode::too_large, "public_notes is over 64 KiB");
  IDOS_CHECK(check_utf8(notes, "public_notes"));
  if (notes.empty()) return ok_status();  // shared copies
  auto parsed = parse_json(notes, JsonLimits{kMaxPublicNotesBytes, 16});
  if (!parsed) return make_error(parsed.code(), "public_notes: " + parsed.error().message);
  if (!parsed->is_object()) return make_error(ErrorCode::invalid_json, "public_notes must be empty or a JSON object");
  return ok_status();
}

Result<Bytes> decode_fixed_base64(std::string_view text, size_t size, std::string_view what) {
  // Decode first, then check the size, so a too-long value is invalid_length like a short one.
  auto bytes = base64_decode(text);
  if (!bytes) return make_error(bytes.code(), std::string(what) + ": " + bytes.error().message);
  if (bytes->size() != size) {
    return make_error(ErrorCode::invalid_length, std::string(what) + " must decode to " + std::to_string(size) + " bytes");
  }
  return bytes;
}

}  // namespace

Result<Credential> sign_credential(std::string_view id, std::string_view user_id, std::string_view public_notes,
                                   const BoxMessage& encrypted, const Ed25519KeyPair& issuer) {
  Credential c;
  c.id = id;
  c.user_id = user_id;
  c.public_notes = public_notes;
  c.content = encrypted.content;
  c.encryptor_public_key = encrypted.encryptor_public_key;
  c.issuer_auth_public_key = hex_encode(issuer.public_key);
  IDOS_TRY(Bytes content_bytes, base64_decode(c.content, kMaxCredentialContentChars));
  IDOS_TRY(Ed25519Signature notes_sig, ed25519_sign(as_bytes(c.public_notes), issuer));
  IDOS_TRY(Ed25519Signature broader_sig, ed25519_sign(concat(notes_sig, content_bytes), issuer));
  c.public_notes_signature = base64_encode(notes_sig);
  c.broader_signature = base64_encode(broader_sig);
  IDOS_CHECK(verify_credential(c));  // also checks ids and notes, so a builder never emits a bad record
  return c;
}

Result<Credential> build_credential(std::string_view id, std::string_view user_id, std::string_view public_notes,
                                    ByteView plaintext, ByteView recipient_public_key, const Ed25519KeyPair& issuer) {
  IDOS_TRY(BoxMessage encrypted, box_encrypt(plaintext, recipient_public_key));
  return sign_credential(id, user_id, public_notes, encrypted, issuer);
}

Result<SharedCopy> make_shared_copy(std::string_view copy_id, std::string_view user_id, ByteView plaintext,
                                    ByteView grantee_public_key) {
  IDOS_TRY(Ed25519KeyPair one_time_key, ed25519_generate());
  IDOS_TRY(Credential copy, build_credential(copy_id, user_id, "", plaintext, grantee_public_key, one_time_key));
  return SharedCopy{std::move(copy), content_hash(plaintext)};
}

Status verify_credential(const Credential& c) {
  IDOS_CHECK(check_uuid_field(c.id, "id"));
  IDOS_CHECK(check_uuid_field(c.user_id, "user_id"));
  IDOS_CHECK(check_public_notes(c.public_notes));
  if (c.content.size() > kMaxCredentialContentChars) return make_error(ErrorCode::too_large, "content is over the size limit");
  IDOS_TRY(Bytes content, base64_decode(c.content, kMaxCredentialContentChars));
  if (content.size() < kBoxNonceSize + kBoxMacSize) {
    return make_error(ErrorCode::invalid_length, "content is shorter than nonce + mac (40 bytes)");
  }
  IDOS_TRY(Bytes encryptor, decode_fixed_base64(c.encryptor_public_key, kX25519KeySize, "encryptor_public_key"));
  (void)encryptor;
  IDOS_CHECK(check_hex32_field(c.issuer_auth_public_key, "issuer_auth_public_key"));
  IDOS_TRY(Bytes issuer_key, hex_decode_exact(c.issuer_auth_public_key, kEd25519PublicKeySize));
  IDOS_TRY(Bytes notes_sig, decode_fixed_base64(c.public_notes_signature, kEd25519SignatureSize, "public_notes_signature"));
  IDOS_TRY(Bytes broader_sig, decode_fixed_base64(c.broader_signature, kEd25519SignatureSize, "broader_signature"));
  // Which of the two signatures failed is worth saying: the message names it.
  auto notes = ed25519_verify(as_bytes(c.public_notes), notes_sig, issuer_key);
  if (notes.code() == ErrorCode::verify_failed) return make_error(ErrorCode::verify_failed, "public_notes_signature does not verify");
  IDOS_CHECK(notes);
  auto broader = ed25519_verify(concat(notes_sig, content), broader_sig, issuer_key);
  if (broader.code() == ErrorCode::verify_failed) return make_error(ErrorCode::verify_failed, "broader_signature does not verify");
  return broader;
}

}  // namespace idos
