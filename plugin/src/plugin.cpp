// The C ABI of libidos_plugin.so (plugin/include/idos_plugin.h): thin wrappers over the core.
// Each entry point checks its C arguments (rule 2 of the header), calls the core, and turns the
// Result into a code (+ message). Nothing else is decided here, so the node's verdicts are the
// browser module's.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <type_traits>

#include "abi.hpp"
#include "idos/primitives/canonical_json.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/init.hpp"
#include "idos/primitives/sign.hpp"
#include "idos/protocol/validate.hpp"
#include "idos/protocol/wallet.hpp"

namespace idos::plugin {

// The C enum mirrors the core's table (IDOS_ERROR_CODES) one to one: every core code has an
// IDOS_<NAME> with its number, and the header's last code is the core's last, so the header
// cannot lose, renumber or add a code unnoticed (tests/drift/error-table.test.mjs also compares
// the two texts).
#define IDOS_SAME_CODE(id, NAME, number)                                                         \
  static_assert(static_cast<int32_t>(IDOS_##NAME) == number && static_cast<int32_t>(ErrorCode::id) == number, \
                "IDOS_" #NAME " differs from idos::ErrorCode::" #id);
IDOS_ERROR_CODES(IDOS_SAME_CODE)
#undef IDOS_SAME_CODE
static_assert(IDOS_LAST_CODE == static_cast<int32_t>(kLastErrorCode), "IDOS_LAST_CODE is not the core's last code");

Arg text_arg(const char* data, size_t len, bool optional, std::string_view what) {
  Arg a;
  if (data == nullptr) {
    if (len != 0) {
      a.code = ErrorCode::invalid_input;
      a.text = what;
    } else {
      // A view of a real (empty) string, never of NULL: the core may pass .data() on to C
      // functions whose pointer arguments are declared non-null.
      a.text = std::string_view("", 0);
      a.present = !optional;
    }
    return a;
  }
  if (len > IDOS_MAX_INPUT_BYTES) {
    a.code = ErrorCode::too_large;
    a.text = what;
    return a;
  }
  a.text = std::string_view(data, len);
  return a;
}

char* dup_c(std::string_view text) {
  char* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (p == nullptr) return nullptr;
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  return p;
}

int32_t finish(ErrorCode code, std::string_view message, char** error_message) {
  if (error_message != nullptr) *error_message = code == ErrorCode::ok ? nullptr : dup_c(message);
  return static_cast<int32_t>(code);
}

int32_t finish_text(const Result<std::string>& r, char** out, size_t* out_len, char** error_message) {
  if (!r.ok()) return finish(r.error(), error_message);
  char* p = dup_c(*r);
  if (p == nullptr) return finish(ErrorCode::internal, "out of memory", error_message);
  *out = p;
  *out_len = r->size();
  return finish(ErrorCode::ok, {}, error_message);
}

Status validate(std::string_view kind, std::string_view json, int64_t now, bool seen_before) {
  return validate_document(kind, json, now, seen_before);
}

namespace {

// Runs `body` with no exception escaping: anything thrown becomes IDOS_INTERNAL.
template <typename F>
int32_t guarded(char** error_message, F&& body) noexcept {
  try {
    if (error_message != nullptr) *error_message = nullptr;
    return body();
  } catch (const std::bad_alloc&) {
    return finish(ErrorCode::internal, "out of memory", error_message);
  } catch (const std::exception& e) {
    return finish(ErrorCode::internal, std::string("internal error: ") + e.what(), error_message);
  } catch (...) {
    return finish(ErrorCode::internal, "internal error", error_message);
  }
}

// Checks (out, out_len) and clears them, so a failure leaves NULL / 0.
bool prepare_out(char** out, size_t* out_len) {
  if (out == nullptr || out_len == nullptr) return false;
  *out = nullptr;
  *out_len = 0;
  return true;
}

std::string bad_arg_message(const Arg& a) {
  if (a.code == ErrorCode::too_large) return std::string(a.text) + " is longer than IDOS_MAX_INPUT_BYTES";
  return std::string(a.text) + " is NULL with a non-zero length";
}

#define IDOS_ARG(var, ptr, len, optional, what)                                   \
  const Arg var = text_arg((ptr), (len), (optional), (what));                     \
  if (var.code != ErrorCode::ok) return finish(var.code, bad_arg_message(var), error_message)

int32_t validate_kind(std::string_view kind, const char* json, size_t json_len, int64_t now, int seen_before,
                      char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    IDOS_ARG(doc, json, json_len, false, "json");
    auto status = validate(kind, doc.text, now, seen_before != 0);
    return status.ok() ? finish(ErrorCode::ok, {}, error_message) : finish(status.error(), error_message);
  });
}

}  // namespace
}  // namespace idos::plugin

using namespace idos;
using namespace idos::plugin;

extern "C" {

int32_t idos_plugin_abi_version(void) { return IDOS_PLUGIN_ABI_VERSION; }

const char* idos_plugin_version(void) { return idos::version(); }

int32_t idos_plugin_init(void) {
  return guarded(nullptr, []() -> int32_t {
    auto s = idos::initialize();
    return static_cast<int32_t>(s.code());
  });
}

const char* idos_error_name(int32_t code) {
  if (code < IDOS_OK || code > IDOS_LAST_CODE) return "UNKNOWN";
  // error_code_name returns views of string literals, so .data() is NUL-terminated and static.
  return error_code_name(static_cast<ErrorCode>(code)).data();
}

void idos_free(void* p) { std::free(p); }

int32_t idos_validate(const char* kind, size_t kind_len, const char* json, size_t json_len, int64_t now,
                      int seen_before, char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    IDOS_ARG(k, kind, kind_len, false, "kind");
    return validate_kind(k.text, json, json_len, now, seen_before, error_message);
  });
}

int32_t idos_verify_credential(const char* json, size_t json_len, char** error_message) {
  return validate_kind("credential", json, json_len, 0, 0, error_message);
}
int32_t idos_verify_credential_proof(const char* json, size_t json_len, int64_t now, char** error_message) {
  return validate_kind("verifiable_credential", json, json_len, now, 0, error_message);
}
int32_t idos_check_access_grant(const char* json, size_t json_len, char** error_message) {
  return validate_kind("access_grant", json, json_len, 0, 0, error_message);
}
int32_t idos_verify_delegated_access_grant(const char* json, size_t json_len, int seen_before,
                                           char** error_message) {
  return validate_kind("delegated_access_grant", json, json_len, 0, seen_before, error_message);
}
int32_t idos_verify_delegated_write_grant(const char* json, size_t json_len, int64_t now, int seen_before,
                                          char** error_message) {
  return validate_kind("delegated_write_grant", json, json_len, now, seen_before, error_message);
}
int32_t idos_check_revoke_allowed(const char* json, size_t json_len, int64_t now, char** error_message) {
  return validate_kind("revoke", json, json_len, now, 0, error_message);
}
int32_t idos_verify_read_request(const char* json, size_t json_len, int64_t now, int seen_before,
                                 char** error_message) {
  return validate_kind("read_request", json, json_len, now, seen_before, error_message);
}
int32_t idos_verify_signed_request(const char* json, size_t json_len, int64_t now, int seen_before,
                                   char** error_message) {
  return validate_kind("signed_request", json, json_len, now, seen_before, error_message);
}

int32_t idos_verify_wallet_signature(const char* type, size_t type_len, const char* identifier,
                                     size_t identifier_len, const char* public_key, size_t public_key_len,
                                     const char* message, size_t message_len, const char* signature,
                                     size_t signature_len, const char* nonce, size_t nonce_len,
                                     const char* recipient, size_t recipient_len, const char* callback_url,
                                     size_t callback_url_len, char** error_message) {
  // The default scheme and recipient policy: the same verdicts as every signed document.
  return idos_verify_wallet_signature_with(type, type_len, identifier, identifier_len, public_key, public_key_len,
                                           message, message_len, signature, signature_len, nonce, nonce_len,
                                           recipient, recipient_len, callback_url, callback_url_len, nullptr, 0,
                                           nullptr, 0, error_message);
}

int32_t idos_verify_wallet_signature_with(const char* type, size_t type_len, const char* identifier,
                                          size_t identifier_len, const char* public_key, size_t public_key_len,
                                          const char* message, size_t message_len, const char* signature,
                                          size_t signature_len, const char* nonce, size_t nonce_len,
                                          const char* recipient, size_t recipient_len, const char* callback_url,
                                          size_t callback_url_len, const char* scheme, size_t scheme_len,
                                          const char* expected_recipient, size_t expected_recipient_len,
                                          char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    IDOS_ARG(t, type, type_len, false, "type");
    IDOS_ARG(id, identifier, identifier_len, false, "identifier");
    IDOS_ARG(pk, public_key, public_key_len, true, "public_key");
    IDOS_ARG(msg, message, message_len, false, "message");
    IDOS_ARG(sig, signature, signature_len, false, "signature");
    IDOS_ARG(n, nonce, nonce_len, true, "nonce");
    IDOS_ARG(r, recipient, recipient_len, true, "recipient");
    IDOS_ARG(cb, callback_url, callback_url_len, true, "callback_url");
    IDOS_ARG(sc, scheme, scheme_len, true, "scheme");
    IDOS_ARG(er, expected_recipient, expected_recipient_len, true, "expected_recipient");
    auto opt = [](const Arg& a) { return a.present ? std::optional<std::string_view>(a.text) : std::nullopt; };
    WalletSignatureRequest req{t.text, id.text, opt(pk), msg.text, sig.text, opt(n), opt(r), opt(cb), opt(sc), opt(er)};
    Status verdict = verify_wallet_signature(req);
    if (!verdict.ok()) return finish(verdict.error(), error_message);
    return finish(ErrorCode::ok, {}, error_message);
  });
}

int32_t idos_canonical_wallet_identifier(const char* type, size_t type_len, const char* identifier,
                                         size_t identifier_len, char** out, size_t* out_len, char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len)) return finish(ErrorCode::invalid_input, "out or out_len is NULL", error_message);
    IDOS_ARG(t, type, type_len, false, "type");
    IDOS_ARG(id, identifier, identifier_len, false, "identifier");
    // An empty type: the type is inferred from the identifier's shape, as grants name grantees.
    if (t.text.empty()) return finish_text(accepted_wallet_identifier(id.text, std::nullopt, "identifier"), out, out_len, error_message);
    return finish_text(canonical_wallet_identifier(t.text, id.text), out, out_len, error_message);
  });
}

int32_t idos_access_grant_id(const char* grantee, size_t grantee_len, const char* data_id, size_t data_id_len,
                             int64_t locked_until, char** out, size_t* out_len, char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len)) return finish(ErrorCode::invalid_input, "out or out_len is NULL", error_message);
    IDOS_ARG(g, grantee, grantee_len, false, "grantee");
    IDOS_ARG(d, data_id, data_id_len, false, "data_id");
    return finish_text(access_grant_id(g.text, d.text, locked_until), out, out_len, error_message);
  });
}

int32_t idos_access_grant_id_as_supplied(const char* grantee, size_t grantee_len, const char* data_id,
                                         size_t data_id_len, int64_t locked_until, char** out, size_t* out_len,
                                         char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len)) return finish(ErrorCode::invalid_input, "out or out_len is NULL", error_message);
    IDOS_ARG(g, grantee, grantee_len, false, "grantee");
    IDOS_ARG(d, data_id, data_id_len, false, "data_id");
    return finish_text(access_grant_id_as_supplied(g.text, d.text, locked_until), out, out_len, error_message);
  });
}

int32_t idos_content_hash(const uint8_t* plaintext, size_t plaintext_len, char** out, size_t* out_len,
                          char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len)) return finish(ErrorCode::invalid_input, "out or out_len is NULL", error_message);
    const Arg p = bytes_arg(plaintext, plaintext_len, "plaintext");
    if (p.code != ErrorCode::ok) return finish(p.code, bad_arg_message(p), error_message);
    return finish_text(Result<std::string>(content_hash(as_bytes(p.text))), out, out_len, error_message);
  });
}

int32_t idos_canonical_json(const char* json, size_t json_len, char** out, size_t* out_len, char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len)) return finish(ErrorCode::invalid_input, "out or out_len is NULL", error_message);
    IDOS_ARG(j, json, json_len, false, "json");
    return finish_text(canonicalize_json_text(j.text), out, out_len, error_message);
  });
}

int32_t idos_ed25519_verify(const uint8_t* message, size_t message_len, const uint8_t* signature,
                            size_t signature_len, const uint8_t* public_key, size_t public_key_len,
                            char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    const Arg m = bytes_arg(message, message_len, "message");
    if (m.code != ErrorCode::ok) return finish(m.code, bad_arg_message(m), error_message);
    const Arg s = bytes_arg(signature, signature_len, "signature");
    if (s.code != ErrorCode::ok) return finish(s.code, bad_arg_message(s), error_message);
    const Arg k = bytes_arg(public_key, public_key_len, "public_key");
    if (k.code != ErrorCode::ok) return finish(k.code, bad_arg_message(k), error_message);
    auto verdict = ed25519_verify(as_bytes(m.text), as_bytes(s.text), as_bytes(k.text));
    return verdict.ok() ? finish(ErrorCode::ok, {}, error_message) : finish(verdict.error(), error_message);
  });
}

int32_t idos_signed_message(const char* kind, size_t kind_len, const char* json, size_t json_len, char** out,
                            size_t* out_len, char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len)) return finish(ErrorCode::invalid_input, "out or out_len is NULL", error_message);
    IDOS_ARG(k, kind, kind_len, false, "kind");
    IDOS_ARG(j, json, json_len, false, "json");
    return finish_text(signed_message(k.text, j.text), out, out_len, error_message);
  });
}

int32_t idos_replay_key(const char* kind, size_t kind_len, const char* json, size_t json_len, char** out,
                        size_t* out_len, int64_t* keep_until, char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len) || keep_until == nullptr) {
      return finish(ErrorCode::invalid_input, "out, out_len or keep_until is NULL", error_message);
    }
    *keep_until = 0;
    IDOS_ARG(k, kind, kind_len, false, "kind");
    IDOS_ARG(j, json, json_len, false, "json");
    auto key = replay_key(k.text, j.text);
    if (!key.ok()) return finish(key.error(), error_message);
    const int32_t rc = finish_text(Result<std::string>(key->key), out, out_len, error_message);
    if (rc == IDOS_OK) *keep_until = key->keep_until;
    return rc;
  });
}

int32_t idos_derive_access_grant(const char* kind, size_t kind_len, const char* json, size_t json_len, char** out,
                                 size_t* out_len, char** error_message) {
  return guarded(error_message, [&]() -> int32_t {
    if (!prepare_out(out, out_len)) return finish(ErrorCode::invalid_input, "out or out_len is NULL", error_message);
    IDOS_ARG(k, kind, kind_len, false, "kind");
    IDOS_ARG(j, json, json_len, false, "json");
    return finish_text(derive_access_grant(k.text, j.text), out, out_len, error_message);
  });
}

}  // extern "C"
