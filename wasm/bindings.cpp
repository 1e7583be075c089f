// Embind bindings over the core: the browser module behind the npm package `idos-core`.
//
// Rules (docs/js.md):
// - No logic of its own: every call converts arguments, calls one core function and converts the
//   result. The JS layer (js/src/index.js) validates types and throws IdosError.
// - No exceptions (the module is built without -fexceptions): every fallible call returns a plain
//   object, {ok: true, value} or {ok: false, code: "INVALID_ENCODING", message}, with the code
//   names of idos::error_code_name (docs/errors.md). A verifier's value is always `true`: "does
//   not verify" is {ok: false, code: "VERIFY_FAILED"}, as everywhere (docs/errors.md).
// - No second copy of a limit, default or list: constants() hands the core's own to JS, and the
//   JS layer checks argument types only. A number is converted here only after checking that it
//   fits the C++ type (a type conversion, not a policy); the core decides what is in range.
// - Secrets stay in WASM memory inside C++ objects that own an idos::Secret (wiped when the JS
//   side calls delete()). Secret inputs (passwords, secret keys) are copied by JS straight into a
//   Secret's buffer through a typed_memory_view, so no unwiped temporary copy is left on the heap;
//   the only ways out are the explicit export*() methods.
// - Public byte inputs arrive as std::string (Embind copies a Uint8Array into it); byte outputs
//   leave as fresh Uint8Arrays (copies, never views into WASM memory).
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "idos/primitives/aead.hpp"
#include "idos/primitives/box.hpp"
#include "idos/primitives/canonical_json.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/init.hpp"
#include "idos/primitives/kdf.hpp"
#include "idos/primitives/keccak.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/secret.hpp"
#include "idos/primitives/sign.hpp"
#include "idos/primitives/uuid.hpp"
#include "idos/protocol/wallet.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/protocol/credential.hpp"
#include "idos/protocol/vc.hpp"
#include "idos/protocol/validate.hpp"

namespace {

using emscripten::val;
using idos::ByteView;
using idos::Bytes;
using idos::Error;
using idos::ErrorCode;
using idos::Result;
using idos::Secret;


// --- result objects ------------------------------------------------------------------------------

val ok(val value) {
  val out = val::object();
  out.set("ok", true);
  out.set("value", std::move(value));
  return out;
}

val fail(const Error& error) {
  val out = val::object();
  out.set("ok", false);
  out.set("code", std::string(idos::error_code_name(error.code)));
  out.set("message", error.message);
  return out;
}

val fail(ErrorCode code, std::string message) { return fail(Error{code, std::move(message)}); }

// A verifier's answer: {ok: true, value: true}, or the core's error (VERIFY_FAILED when a
// well-formed signature or proof does not verify).
val verdict(const idos::Status& s) { return s.ok() ? ok(val(true)) : fail(s.error()); }

// --- numbers from JS -----------------------------------------------------------------------------
// JS numbers are doubles. Casting one that is negative, fractional or too large for the target
// type is undefined behaviour or a silent wrap, so each conversion checks that the value is a
// whole number that fits; whether it is a sensible value is the core's call.
template <typename T>
std::optional<T> whole_number(double x) {
  constexpr double kMaxExact = 9007199254740991.0;  // 2^53 - 1: above it a double skips integers
  if (!(x >= 0 && x <= kMaxExact) || std::floor(x) != x) return std::nullopt;
  if (x > static_cast<double>(std::numeric_limits<T>::max())) return std::nullopt;
  return static_cast<T>(x);
}

// --- byte conversion ----------------------------------------------------------------------------

ByteView view_of(const std::string& bytes) { return idos::as_bytes(bytes); }

// A fresh Uint8Array holding a copy of `bytes`.
val to_js_bytes(ByteView bytes) {
  if (bytes.empty()) return val::global("Uint8Array").new_(0);
  return val(emscripten::typed_memory_view(bytes.size(), bytes.data())).call<val>("slice");
}

template <size_t N>
val to_js_bytes(const std::array<uint8_t, N>& bytes) {
  return to_js_bytes(ByteView(bytes.data(), bytes.size()));
}

// Copies a JS Uint8Array directly into a new Secret (JS writes into the Secret's own buffer).
Result<Secret> secret_from_js(const val& u8) {
  const size_t size = u8["length"].as<size_t>();
  IDOS_TRY(Secret secret, Secret::allocate(size));
  if (size > 0) {
    auto dst = secret.expose_mut();
    val(emscripten::typed_memory_view(dst.size(), dst.data())).call<void>("set", u8);
  }
  return secret;
}

template <typename T, typename F>
val map_result(Result<T>&& result, F&& to_js) {
  if (!result.ok()) return fail(result.error());
  return ok(to_js(result.value()));
}

// --- key objects (the only holders of secrets) -------------------------------------------------

// An X25519 key pair (idOS encryption key).
class EncryptionKey {
 public:
  explicit EncryptionKey(idos::X25519KeyPair pair) : pair_(std::move(pair)) {}
  val public_key() const { return to_js_bytes(pair_.public_key); }
  val export_secret_key() const { return to_js_bytes(pair_.secret_key.expose()); }
  const idos::X25519KeyPair& pair() const { return pair_; }

 private:
  idos::X25519KeyPair pair_;
};

// A 32-byte XChaCha20-Poly1305 key (vault wrapping keys and data keys).
class AeadKey {
 public:
  explicit AeadKey(Secret key) : key_(std::move(key)) {}
  val seal(const std::string& plaintext, const std::string& ad) const {
    return map_result(idos::aead_seal(view_of(plaintext), view_of(ad), key_), [](const Bytes& b) { return to_js_bytes(b); });
  }
  val open(const std::string& sealed, const std::string& ad) const {
    auto r = idos::aead_open(view_of(sealed), view_of(ad), key_);
    if (!r.ok()) return fail(r.error());
    val out = to_js_bytes(r.value());
    idos::wipe(r.value());
    return ok(out);
  }
  // Wraps another key without its bytes ever reaching JS.
  val wrap_aead_key(const AeadKey& other, const std::string& ad) const {
    return map_result(idos::aead_seal(other.key_.expose(), view_of(ad), key_), [](const Bytes& b) { return to_js_bytes(b); });
  }
  val unwrap_aead_key(const std::string& sealed, const std::string& ad) const {
    auto r = idos::aead_open(view_of(sealed), view_of(ad), key_);
    if (!r.ok()) return fail(r.error());
    if (r.value().size() != idos::kAeadKeySize) {
      idos::wipe(r.value());
      return fail(ErrorCode::invalid_length, "wrapped key is not 32 bytes");
    }
    auto secret = Secret::copy_of(r.value());
    idos::wipe(r.value());
    if (!secret.ok()) return fail(secret.error());
    return ok(val(AeadKey(std::move(secret).value())));
  }
  val wrap_encryption_key(const EncryptionKey& key, const std::string& ad) const {
    return map_result(idos::aead_seal(key.pair().secret_key.expose(), view_of(ad), key_),
                      [](const Bytes& b) { return to_js_bytes(b); });
  }
  val unwrap_encryption_key(const std::string& sealed, const std::string& ad) const {
    auto r = idos::aead_open(view_of(sealed), view_of(ad), key_);
    if (!r.ok()) return fail(r.error());
    auto pair = idos::x25519_from_secret(r.value());
    idos::wipe(r.value());
    if (!pair.ok()) return fail(pair.error());
    return ok(val(EncryptionKey(std::move(pair).value())));
  }

 private:
  Secret key_;
};

// --- functions ------------------------------------------------------------------------------------

std::string version() { return idos::version(); }

template <typename List>
val string_array(const List& items) {
  val out = val::array();
  for (const auto& item : items) out.call<void>("push", std::string(item));
  return out;
}

// The core's lists, limits and defaults, for the JS layer to use instead of copies of its own
// (js/scripts/build.mjs writes them into dist/constants.js at build time).
val constants() {
  val out = val::object();
  val codes = val::array();
  for (int32_t i = 0; i <= static_cast<int32_t>(idos::kLastErrorCode); ++i) {
    codes.call<void>("push", std::string(idos::error_code_name(static_cast<ErrorCode>(i))));
  }
  out.set("errorCodes", codes);  // index = the C ABI's number
  out.set("walletTypes", string_array(idos::kWalletTypeNames));
  out.set("documentKinds", string_array(idos::kDocumentKinds));
  val scrypt = val::object();
  scrypt.set("minN", static_cast<double>(idos::kScryptMinN));
  scrypt.set("maxN", static_cast<double>(idos::kScryptMaxN));
  scrypt.set("maxR", idos::kScryptMaxR);
  scrypt.set("maxP", idos::kScryptMaxP);
  scrypt.set("idosN", static_cast<double>(idos::kIdosScryptN));
  scrypt.set("idosR", idos::kIdosScryptR);
  scrypt.set("idosP", idos::kIdosScryptP);
  out.set("scrypt", scrypt);
  val argon2id = val::object();
  argon2id.set("minOpsLimit", static_cast<double>(idos::kArgon2idMinOpsLimit));
  argon2id.set("maxOpsLimit", static_cast<double>(idos::kArgon2idMaxOpsLimit));
  argon2id.set("minMemLimit", static_cast<double>(idos::kArgon2idMinMemLimit));
  argon2id.set("maxMemLimit", static_cast<double>(idos::kArgon2idMaxMemLimit));
  argon2id.set("defaultOpsLimit", static_cast<double>(idos::kArgon2idDefaultOpsLimit));
  argon2id.set("defaultMemLimit", static_cast<double>(idos::kArgon2idDefaultMemLimit));
  argon2id.set("saltBytes", static_cast<double>(idos::kArgon2SaltSize));
  out.set("argon2id", argon2id);
  return out;
}

val initialize() {
  auto s = idos::initialize();
  return s.ok() ? ok(val(true)) : fail(s.error());
}

// Key pairs -----------------------------------------------------------------------------------------

// salt: "any-uuid" (any UUID; this project's ids) or "idos" (idOS's UUID v4 rule); kdf.hpp.
val derive_encryption_key_pair(const val& password_nfkc_utf8, const std::string& user_id, const std::string& salt) {
  idos::UserIdSalt rule;
  if (salt == "any-uuid") {
    rule = idos::UserIdSalt::any_uuid;
  } else if (salt == "idos") {
    rule = idos::UserIdSalt::idos_v4;
  } else {
    return fail(idos::ErrorCode::invalid_input, "salt must be \"any-uuid\" or \"idos\"");
  }
  auto password = secret_from_js(password_nfkc_utf8);
  if (!password.ok()) return fail(password.error());
  return map_result(idos::derive_idos_encryption_key_pair(idos::as_text(password.value().expose()), user_id, rule),
                    [](idos::X25519KeyPair& p) { return val(EncryptionKey(std::move(p))); });
}

val encryption_key_pair_from_secret(const val& secret_key) {
  auto secret = secret_from_js(secret_key);
  if (!secret.ok()) return fail(secret.error());
  return map_result(idos::x25519_from_secret(secret.value().expose()),
                    [](idos::X25519KeyPair& p) { return val(EncryptionKey(std::move(p))); });
}

val generate_encryption_key_pair() {
  return map_result(idos::x25519_generate(), [](idos::X25519KeyPair& p) { return val(EncryptionKey(std::move(p))); });
}

// Box -----------------------------------------------------------------------------------------------

val box_encrypt(const std::string& plaintext, const std::string& recipient_public_key) {
  return map_result(idos::box_encrypt(view_of(plaintext), view_of(recipient_public_key)), [](idos::BoxMessage& m) {
    val out = val::object();
    out.set("content", m.content);
    out.set("encryptorPublicKey", m.encryptor_public_key);
    return out;
  });
}

val box_decrypt_with_base64_key(const std::string& content, const std::string& encryptor_public_key_base64,
                                const EncryptionKey& recipient) {
  auto r = idos::box_decrypt(std::string_view(content), std::string_view(encryptor_public_key_base64),
                             recipient.pair().secret_key);
  if (!r.ok()) return fail(r.error());
  val out = to_js_bytes(r.value());
  idos::wipe(r.value());
  return ok(out);
}

val box_decrypt_with_key_bytes(const std::string& content, const std::string& encryptor_public_key,
                               const EncryptionKey& recipient) {
  auto r = idos::box_decrypt(std::string_view(content), view_of(encryptor_public_key), recipient.pair().secret_key);
  if (!r.ok()) return fail(r.error());
  val out = to_js_bytes(r.value());
  idos::wipe(r.value());
  return ok(out);
}

val box_seal(const std::string& plaintext, const std::string& recipient_public_key) {
  return map_result(idos::box_seal(view_of(plaintext), view_of(recipient_public_key)),
                    [](const Bytes& b) { return to_js_bytes(b); });
}

val box_seal_open(const std::string& sealed, const EncryptionKey& recipient) {
  auto r = idos::box_seal_open(view_of(sealed), recipient.pair());
  if (!r.ok()) return fail(r.error());
  val out = to_js_bytes(r.value());
  idos::wipe(r.value());
  return ok(out);
}

// Hashes and identifiers ------------------------------------------------------------------------------

std::string content_hash(const std::string& plaintext) { return idos::content_hash(view_of(plaintext)); }
val sha256(const std::string& data) { return to_js_bytes(idos::sha256(view_of(data))); }
val sha512(const std::string& data) { return to_js_bytes(idos::sha512(view_of(data))); }
val keccak256(const std::string& data) { return to_js_bytes(idos::keccak256_digest(view_of(data))); }

val uuid_v5(const std::string& namespace_uuid, const std::string& name) {
  return map_result(idos::uuid_v5(namespace_uuid, name), [](const std::string& s) { return val(s); });
}

// lockedUntil arrives as a JS number; the JS layer has checked it is a non-negative safe integer.
val access_grant_id(const std::string& grantee, const std::string& data_id, double locked_until) {
  const auto lock = whole_number<int64_t>(locked_until);
  if (!lock) return fail(ErrorCode::invalid_input, "lockedUntil must be a non-negative safe integer");
  return map_result(idos::access_grant_id(grantee, data_id, *lock), [](const std::string& s) { return val(s); });
}

// idOS's id over the grantee exactly as supplied (docs/spec/grants.md, "Grant id").
val access_grant_id_as_supplied(const std::string& grantee, const std::string& data_id, double locked_until) {
  if (!(locked_until >= 0 && locked_until <= 9007199254740991.0) || std::floor(locked_until) != locked_until) {
    return fail(ErrorCode::invalid_input, "lockedUntil must be a non-negative safe integer");
  }
  return map_result(idos::access_grant_id_as_supplied(grantee, data_id, static_cast<int64_t>(locked_until)),
                    [](const std::string& s) { return val(s); });
}

val canonicalize_json(const std::string& text) {
  return map_result(idos::canonicalize_json_text(text), [](const std::string& s) { return val(s); });
}

// Encodings ------------------------------------------------------------------------------------------

std::string base64_encode(const std::string& data) { return idos::base64_encode(view_of(data)); }
val base64_decode(const std::string& text) {
  return map_result(idos::base64_decode(text), [](const Bytes& b) { return to_js_bytes(b); });
}
std::string hex_encode(const std::string& data) { return idos::hex_encode(view_of(data)); }
val hex_decode(const std::string& text) {
  return map_result(idos::hex_decode(text), [](const Bytes& b) { return to_js_bytes(b); });
}

// Signatures -----------------------------------------------------------------------------------------

val ed25519_verify(const std::string& message, const std::string& signature, const std::string& public_key) {
  return verdict(idos::ed25519_verify(view_of(message), view_of(signature), view_of(public_key)));
}

// Vault keys -----------------------------------------------------------------------------------------

val aead_generate_key() {
  return map_result(idos::aead_generate_key(), [](Secret& s) { return val(AeadKey(std::move(s))); });
}

val aead_key_from_scrypt(const val& password, const std::string& salt, double n, double r, double p) {
  const auto n_value = whole_number<uint64_t>(n);
  const auto r_value = whole_number<uint32_t>(r);
  const auto p_value = whole_number<uint32_t>(p);
  if (!n_value || !r_value || !p_value) return fail(ErrorCode::invalid_input, "scrypt N, r and p must be whole numbers");
  auto secret = secret_from_js(password);
  if (!secret.ok()) return fail(secret.error());
  return map_result(idos::scrypt(secret.value().expose(), view_of(salt), *n_value, *r_value, *p_value, idos::kAeadKeySize),
                    [](Secret& s) { return val(AeadKey(std::move(s))); });
}

val aead_key_from_argon2id(const val& password, const std::string& salt, double ops_limit, double mem_limit) {
  const auto ops = whole_number<uint64_t>(ops_limit);
  const auto mem = whole_number<size_t>(mem_limit);
  if (!ops || !mem) return fail(ErrorCode::invalid_input, "Argon2id opsLimit and memLimit must be whole numbers");
  auto secret = secret_from_js(password);
  if (!secret.ok()) return fail(secret.error());
  idos::Argon2idParams params;
  params.ops_limit = *ops;
  params.mem_limit = *mem;
  return map_result(idos::argon2id(secret.value().expose(), view_of(salt), idos::kAeadKeySize, params),
                    [](Secret& s) { return val(AeadKey(std::move(s))); });
}

// An Ed25519 key held by the module (NEAR, Stellar, XRPL, FaceSign, credential issuers).
class Ed25519Key {
 public:
  explicit Ed25519Key(idos::Ed25519KeyPair pair) : pair_(std::move(pair)) {}
  val public_key() const { return to_js_bytes(pair_.public_key); }
  const idos::Ed25519KeyPair& pair() const { return pair_; }
  val export_seed() const {
    auto seed = idos::ed25519_seed(pair_);
    if (!seed.ok()) return fail(seed.error());
    return ok(to_js_bytes(seed.value().expose()));
  }
  val sign(const std::string& message) const {
    return map_result(idos::ed25519_sign(view_of(message), pair_), [](const idos::Ed25519Signature& s) { return to_js_bytes(s); });
  }
  val wallet_identifier(const std::string& type) const {
    auto t = idos::parse_wallet_type(type);
    if (!t.ok()) return fail(t.error());
    return map_result(idos::wallet_identifier_from_ed25519(t.value(), pair_.public_key),
                      [](const std::string& s) { return val(s); });
  }
  std::string xrpl_public_key() const { return idos::xrpl_public_key_text(pair_.public_key); }
  // options: {nonce?: Uint8Array(32), recipient?: string, callbackUrl?: string}
  val wallet_sign(const std::string& type, const std::string& message, const val& options) const {
    auto t = idos::parse_wallet_type(type);
    if (!t.ok()) return fail(t.error());
    std::optional<std::string> nonce, recipient, callback_url;
    if (!options.isUndefined() && !options.isNull()) {
      if (!options["nonce"].isUndefined() && !options["nonce"].isNull()) nonce = options["nonce"].as<std::string>();
      if (!options["recipient"].isUndefined() && !options["recipient"].isNull()) recipient = options["recipient"].as<std::string>();
      if (!options["callbackUrl"].isUndefined() && !options["callbackUrl"].isNull()) callback_url = options["callbackUrl"].as<std::string>();
    }
    std::optional<ByteView> nonce_view;
    if (nonce) nonce_view = view_of(*nonce);
    std::optional<std::string_view> recipient_view, callback_view;
    if (recipient) recipient_view = *recipient;
    if (callback_url) callback_view = *callback_url;
    return map_result(idos::ed25519_wallet_sign(t.value(), message, pair_, nonce_view, recipient_view, callback_view),
                      [](const std::string& s) { return val(s); });
  }


 private:
  idos::Ed25519KeyPair pair_;
};

// Wallets --------------------------------------------------------------------------------------------

std::optional<std::string_view> optional_field(const val& request, const char* name, std::string& storage) {
  val v = request[name];
  if (v.isUndefined() || v.isNull()) return std::nullopt;
  storage = v.as<std::string>();
  return std::string_view(storage);
}

val canonical_wallet_identifier(const std::string& type, const std::string& identifier) {
  const auto text = [](const std::string& s) { return val(s); };
  // An empty type: inferred from the identifier's shape, as a grant's grantee is read.
  if (type.empty()) return map_result(idos::accepted_wallet_identifier(identifier, std::nullopt, "identifier"), text);
  return map_result(idos::canonical_wallet_identifier(std::string_view(type), std::string_view(identifier)), text);
}

// `request` has string members only (checked by the JS layer).
val verify_wallet_signature(const val& request) {
  const std::string type = request["type"].as<std::string>();
  const std::string identifier = request["identifier"].as<std::string>();
  const std::string message = request["message"].as<std::string>();
  const std::string signature = request["signature"].as<std::string>();
  std::string public_key, nonce, recipient, callback_url;
  idos::WalletSignatureRequest req;
  req.type = type;
  req.identifier = identifier;
  req.message = message;
  req.signature = signature;
  req.public_key = optional_field(request, "publicKey", public_key);
  req.nonce = optional_field(request, "nonce", nonce);
  req.recipient = optional_field(request, "recipient", recipient);
  req.callback_url = optional_field(request, "callbackUrl", callback_url);
  std::string scheme, expected_recipient;
  req.scheme = optional_field(request, "scheme", scheme);
  req.expected_recipient = optional_field(request, "expectedRecipient", expected_recipient);
  return verdict(idos::verify_wallet_signature(req));
}

val eip191_hash(const std::string& message) { return to_js_bytes(idos::eip191_hash(view_of(message))); }

// A secp256k1 key held by the module (EVM signing).
class Secp256k1Key {
 public:
  explicit Secp256k1Key(idos::Secp256k1KeyPair pair) : pair_(std::move(pair)) {}
  val public_key() const { return to_js_bytes(pair_.public_key); }
  std::string address() const { return pair_.address; }
  std::string checksum_address() const {
    std::array<uint8_t, 20> raw{};
    auto decoded = idos::hex_decode_exact(std::string_view(pair_.address).substr(2), 20);
    if (decoded.ok()) std::copy(decoded.value().begin(), decoded.value().end(), raw.begin());
    return idos::evm_checksum_address(raw);
  }
  val export_secret_key() const { return to_js_bytes(pair_.secret_key.expose()); }
  val personal_sign(const std::string& message) const {
    return map_result(idos::evm_personal_sign(view_of(message), pair_), [](const std::string& s) { return val(s); });
  }

 private:
  idos::Secp256k1KeyPair pair_;
};

val secp256k1_generate() {
  return map_result(idos::secp256k1_generate(), [](idos::Secp256k1KeyPair& p) { return val(Secp256k1Key(std::move(p))); });
}
val secp256k1_from_secret(const val& secret_key) {
  auto secret = secret_from_js(secret_key);
  if (!secret.ok()) return fail(secret.error());
  return map_result(idos::secp256k1_from_secret(secret.value().expose()),
                    [](idos::Secp256k1KeyPair& p) { return val(Secp256k1Key(std::move(p))); });
}

val ed25519_generate() {
  return map_result(idos::ed25519_generate(), [](idos::Ed25519KeyPair& p) { return val(Ed25519Key(std::move(p))); });
}
val ed25519_from_seed(const val& seed) {
  auto secret = secret_from_js(seed);
  if (!secret.ok()) return fail(secret.error());
  return map_result(idos::ed25519_from_seed(secret.value().expose()),
                    [](idos::Ed25519KeyPair& p) { return val(Ed25519Key(std::move(p))); });
}


// --- documents (grants, credentials, verifiable credentials, validation) -------------------------
// Objects use the spec's snake_case member names (docs/spec/), so a built document can go to
// validate() unchanged. The JS layer has checked every member's type before the call.

std::string field(const val& o, const char* name) { return o[name].as<std::string>(); }
int64_t int_field(const val& o, const char* name) { return static_cast<int64_t>(o[name].as<double>()); }

val access_grant_to_js(const idos::AccessGrant& g) {
  val o = val::object();
  o.set("id", g.id);
  o.set("owner", g.owner);
  o.set("grantee", g.grantee);
  o.set("data_id", g.data_id);
  o.set("locked_until", static_cast<double>(g.locked_until));
  o.set("content_hash", g.content_hash);
  o.set("inserter_type", g.inserter_type);
  o.set("inserter_id", g.inserter_id);
  return o;
}

val make_access_grant(const val& o) {
  return map_result(idos::make_access_grant(field(o, "owner"), field(o, "grantee"), field(o, "data_id"),
                                            int_field(o, "locked_until"), field(o, "content_hash"),
                                            field(o, "inserter_type"), field(o, "inserter_id")),
                    [](const idos::AccessGrant& g) { return access_grant_to_js(g); });
}

val dag_message(const val& o) {
  idos::DelegatedAccessGrant d;
  d.owner = field(o, "owner_wallet_identifier");
  d.grantee = field(o, "grantee_wallet_identifier");
  d.data_id = field(o, "data_id");
  d.locked_until = int_field(o, "locked_until");
  d.content_hash = field(o, "content_hash");
  std::string format;
  if (auto name = optional_field(o, "format", format)) {
    auto parsed = idos::parse_grant_message_format(*name);
    if (!parsed.ok()) return map_result(idos::Result<std::string>(parsed.error()), [](const std::string& s) { return val(s); });
    d.format = *parsed;
  }
  return map_result(idos::dag_message(d), [](const std::string& s) { return val(s); });
}

val dwg_message(const val& o) {
  idos::DelegatedWriteGrant d;
  d.owner = field(o, "owner_wallet_identifier");
  d.grantee = field(o, "grantee_wallet_identifier");
  d.issuer_public_key = field(o, "issuer_public_key");
  d.id = field(o, "id");
  d.access_grant_timelock = field(o, "access_grant_timelock");
  d.not_usable_before = field(o, "not_usable_before");
  d.not_usable_after = field(o, "not_usable_after");
  std::string format;
  if (auto name = optional_field(o, "format", format)) {
    auto parsed = idos::parse_grant_message_format(*name);
    if (!parsed.ok()) return map_result(idos::Result<std::string>(parsed.error()), [](const std::string& s) { return val(s); });
    d.format = *parsed;
  }
  return map_result(idos::dwg_message(d), [](const std::string& s) { return val(s); });
}

val read_request_message(const val& o) {
  idos::ReadRequest r;
  r.grantee = field(o, "grantee_wallet_identifier");
  r.data_id = field(o, "data_id");
  r.nonce = field(o, "nonce");
  r.issued_at = field(o, "issued_at");
  return map_result(idos::read_request_message(r), [](const std::string& s) { return val(s); });
}

val signed_request_message(const val& o) {
  idos::SignedRequest r;
  r.caller = field(o, "caller_wallet_identifier");
  r.method = field(o, "method");
  r.path = field(o, "path");
  r.body_sha256 = field(o, "body_sha256");
  r.nonce = field(o, "nonce");
  r.issued_at = field(o, "issued_at");
  return map_result(idos::signed_request_message(r), [](const std::string& s) { return val(s); });
}

val credential_to_js(const idos::Credential& c) {
  val o = val::object();
  o.set("id", c.id);
  o.set("user_id", c.user_id);
  o.set("public_notes", c.public_notes);
  o.set("content", c.content);
  o.set("encryptor_public_key", c.encryptor_public_key);
  o.set("issuer_auth_public_key", c.issuer_auth_public_key);
  o.set("public_notes_signature", c.public_notes_signature);
  o.set("broader_signature", c.broader_signature);
  return o;
}

val build_credential(const std::string& id, const std::string& user_id, const std::string& public_notes,
                     const std::string& plaintext, const std::string& recipient_public_key, const Ed25519Key& issuer) {
  return map_result(idos::build_credential(id, user_id, public_notes, view_of(plaintext), view_of(recipient_public_key),
                                           issuer.pair()),
                    [](const idos::Credential& c) { return credential_to_js(c); });
}

val make_shared_copy(const std::string& copy_id, const std::string& user_id, const std::string& plaintext,
                     const std::string& grantee_public_key) {
  return map_result(idos::make_shared_copy(copy_id, user_id, view_of(plaintext), view_of(grantee_public_key)),
                    [](const idos::SharedCopy& c) {
                      val o = val::object();
                      o.set("credential", credential_to_js(c.credential));
                      o.set("content_hash", c.content_hash);
                      return o;
                    });
}

val verify_credential(const val& o) {
  idos::Credential c;
  c.id = field(o, "id");
  c.user_id = field(o, "user_id");
  c.public_notes = field(o, "public_notes");
  c.content = field(o, "content");
  c.encryptor_public_key = field(o, "encryptor_public_key");
  c.issuer_auth_public_key = field(o, "issuer_auth_public_key");
  c.public_notes_signature = field(o, "public_notes_signature");
  c.broader_signature = field(o, "broader_signature");
  auto s = idos::verify_credential(c);
  return s.ok() ? ok(val(true)) : fail(s.error());
}

// Verifies a W3C VC's eddsa-jcs-2022 proof (structure, validity window at `now`, did:key issuer).
val verify_verifiable_credential(const std::string& json_text, double now) {
  auto s = idos::verify_verifiable_credential(json_text, static_cast<int64_t>(now));
  return s.ok() ? ok(val(true)) : fail(s.error());
}

// Adds an eddsa-jcs-2022 proof signed by `key`; returns the secured document as JSON text.
val sign_verifiable_credential(const std::string& json_text, const Ed25519Key& key, const std::string& verification_method,
                               const std::string& created, const std::string& proof_purpose) {
  idos::ProofOptions options;
  options.verification_method = verification_method;
  options.created = created;
  options.proof_purpose = proof_purpose;
  return map_result(idos::eddsa_jcs_2022_sign(json_text, key.pair(), options),
                    [](const std::string& text) { return val(text); });
}

std::string did_key_from_ed25519(const Ed25519Key& key) { return idos::did_key_from_ed25519(key.pair().public_key); }

val validate_document(const std::string& kind, const std::string& json_text, double now, bool seen_before) {
  auto s = idos::validate_document(kind, json_text, static_cast<int64_t>(now), seen_before);
  return s.ok() ? ok(val(true)) : fail(s.error());
}

val signed_message(const std::string& kind, const std::string& json_text) {
  return map_result(idos::signed_message(kind, json_text), [](const std::string& s) { return val(s); });
}

// {key, keepUntil} (keepUntil: unix seconds, 0 = forever).
val replay_key(const std::string& kind, const std::string& json_text) {
  return map_result(idos::replay_key(kind, json_text), [](const idos::ReplayKey& k) {
    val o = val::object();
    o.set("key", k.key);
    o.set("keepUntil", static_cast<double>(k.keep_until));
    return o;
  });
}

// The derived access grant as canonical JSON text (the JS layer parses it).
val derive_access_grant(const std::string& kind, const std::string& json_text) {
  return map_result(idos::derive_access_grant(kind, json_text), [](const std::string& s) { return val(s); });
}

}  // namespace

EMSCRIPTEN_BINDINGS(idos_core) {
  using namespace emscripten;

  class_<EncryptionKey>("EncryptionKey")
      .function("publicKey", &EncryptionKey::public_key)
      .function("exportSecretKey", &EncryptionKey::export_secret_key);

  class_<AeadKey>("AeadKey")
      .function("seal", &AeadKey::seal)
      .function("open", &AeadKey::open)
      .function("wrapAeadKey", &AeadKey::wrap_aead_key)
      .function("unwrapAeadKey", &AeadKey::unwrap_aead_key)
      .function("wrapEncryptionKey", &AeadKey::wrap_encryption_key)
      .function("unwrapEncryptionKey", &AeadKey::unwrap_encryption_key);

  function("version", &version);
  function("constants", &constants);
  function("initialize", &initialize);

  function("deriveEncryptionKeyPair", &derive_encryption_key_pair);
  function("encryptionKeyPairFromSecret", &encryption_key_pair_from_secret);
  function("generateEncryptionKeyPair", &generate_encryption_key_pair);

  function("boxEncrypt", &box_encrypt);
  function("boxDecryptWithBase64Key", &box_decrypt_with_base64_key);
  function("boxDecryptWithKeyBytes", &box_decrypt_with_key_bytes);
  function("boxSeal", &box_seal);
  function("boxSealOpen", &box_seal_open);

  function("contentHash", &content_hash);
  function("sha256", &sha256);
  function("sha512", &sha512);
  function("keccak256", &keccak256);
  function("uuidV5", &uuid_v5);
  function("accessGrantId", &access_grant_id);
  function("accessGrantIdAsSupplied", &access_grant_id_as_supplied);
  function("canonicalizeJson", &canonicalize_json);

  function("base64Encode", &base64_encode);
  function("base64Decode", &base64_decode);
  function("hexEncode", &hex_encode);
  function("hexDecode", &hex_decode);

  function("ed25519Verify", &ed25519_verify);
  function("ed25519Generate", &ed25519_generate);
  function("ed25519FromSeed", &ed25519_from_seed);

  function("aeadGenerateKey", &aead_generate_key);
  function("aeadKeyFromScrypt", &aead_key_from_scrypt);
  function("aeadKeyFromArgon2id", &aead_key_from_argon2id);

  auto ed25519 = class_<Ed25519Key>("Ed25519Key");
  ed25519.function("publicKey", &Ed25519Key::public_key)
      .function("exportSeed", &Ed25519Key::export_seed)
      .function("sign", &Ed25519Key::sign);

  ed25519.function("walletIdentifier", &Ed25519Key::wallet_identifier)
      .function("xrplPublicKey", &Ed25519Key::xrpl_public_key)
      .function("walletSign", &Ed25519Key::wallet_sign);
  class_<Secp256k1Key>("Secp256k1Key")
      .function("publicKey", &Secp256k1Key::public_key)
      .function("address", &Secp256k1Key::address)
      .function("checksumAddress", &Secp256k1Key::checksum_address)
      .function("exportSecretKey", &Secp256k1Key::export_secret_key)
      .function("personalSign", &Secp256k1Key::personal_sign);
  function("canonicalWalletIdentifier", &canonical_wallet_identifier);
  function("verifyWalletSignature", &verify_wallet_signature);
  function("eip191Hash", &eip191_hash);
  function("secp256k1Generate", &secp256k1_generate);
  function("secp256k1FromSecret", &secp256k1_from_secret);

  function("makeAccessGrant", &make_access_grant);
  function("signedMessage", &signed_message);
  function("replayKey", &replay_key);
  function("deriveAccessGrant", &derive_access_grant);
  function("delegatedAccessGrantMessage", &dag_message);
  function("delegatedWriteGrantMessage", &dwg_message);
  function("readRequestMessage", &read_request_message);
  function("signedRequestMessage", &signed_request_message);
  function("buildCredential", &build_credential);
  function("makeSharedCopy", &make_shared_copy);
  function("verifyCredential", &verify_credential);
  function("verifyVerifiableCredential", &verify_verifiable_credential);
  function("signVerifiableCredential", &sign_verifiable_credential);
  function("didKeyFromEd25519", &did_key_from_ed25519);
  function("validateDocument", &validate_document);
}
