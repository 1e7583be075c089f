// The SQLite face of libidos_plugin.so: `.load /path/to/libidos_plugin` (entry point
// sqlite3_idosplugin_init, which SQLite derives from the file name) registers deterministic SQL
// functions over the same core calls as the C ABI (docs/plugin.md lists them).
//
// Built against sqlite3ext.h, so the .so does not link libsqlite3: every SQLite call goes through
// the API table the loading process hands to the entry point.
//
// SQL NULL is never a pass: in a CHECK constraint a NULL result counts as true, so a function
// given NULL where a value is required raises an error (or, for the 1/0 verifier, returns 0).
#include <sqlite3ext.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "abi.hpp"
#include "idos/primitives/canonical_json.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/init.hpp"
#include "idos/protocol/wallet.hpp"

SQLITE_EXTENSION_INIT1

namespace {

using idos::ErrorCode;
using idos::Status;

// A TEXT or BLOB argument as bytes; nullopt for SQL NULL (or any other storage class, by `strict`).
std::optional<std::string_view> text_value(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
      const int n = sqlite3_value_bytes(v);
      return std::string_view(p == nullptr ? "" : p, static_cast<size_t>(n));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
      const int n = sqlite3_value_bytes(v);
      return std::string_view(p == nullptr ? "" : p, static_cast<size_t>(n));
    }
    default: return std::nullopt;
  }
}

std::optional<int64_t> integer_value(sqlite3_value* v) {
  if (sqlite3_value_type(v) != SQLITE_INTEGER) return std::nullopt;
  return static_cast<int64_t>(sqlite3_value_int64(v));
}

// "CODE: message", as the SQL error text.
void result_error(sqlite3_context* ctx, ErrorCode code, std::string_view message) {
  std::string text = std::string(idos::error_code_name(code)) + ": " + std::string(message);
  sqlite3_result_error(ctx, text.data(), static_cast<int>(text.size()));
}

void result_text(sqlite3_context* ctx, std::string_view text) {
  sqlite3_result_text64(ctx, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void result_or_error(sqlite3_context* ctx, const idos::Result<std::string>& r) {
  if (r.ok()) {
    result_text(ctx, *r);
  } else {
    result_error(ctx, r.error().code, r.error().message);
  }
}

// Every SQL function body runs here: no exception reaches SQLite.
template <typename F>
void guarded(sqlite3_context* ctx, F&& body) noexcept {
  try {
    body();
  } catch (const std::exception& e) {
    result_error(ctx, ErrorCode::internal, e.what());
  } catch (...) {
    result_error(ctx, ErrorCode::internal, "internal error");
  }
}

bool too_large(std::string_view s) { return s.size() > IDOS_MAX_INPUT_BYTES; }

// idos_plugin_version() -> text
void sql_version(sqlite3_context* ctx, int, sqlite3_value**) { result_text(ctx, idos::version()); }

// idos_error_name(code) -> text
void sql_error_name(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto code = integer_value(argv[0]);
  if (!code || *code < INT32_MIN || *code > INT32_MAX) {
    result_error(ctx, ErrorCode::invalid_input, "code must be an integer");
    return;
  }
  result_text(ctx, idos_error_name(static_cast<int32_t>(*code)));
}

// idos_verify_wallet_signature(type, identifier, public_key, message, signature
//                              [, nonce, recipient, callback_url]) -> 1 | 0
// 1 only for a valid signature; 0 for a wrong one, a malformed input or a NULL required argument.
// public_key, nonce, recipient, callback_url: NULL = absent.
void sql_verify_wallet_signature(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    std::optional<std::string_view> a[8];
    for (int i = 0; i < argc && i < 8; ++i) {
      a[i] = text_value(argv[i]);
      if (a[i] && too_large(*a[i])) {
        sqlite3_result_int(ctx, 0);
        return;
      }
    }
    if (!a[0] || !a[1] || !a[3] || !a[4]) {
      sqlite3_result_int(ctx, 0);
      return;
    }
    idos::WalletSignatureRequest req{*a[0], *a[1], a[2], *a[3], *a[4], a[5], a[6], a[7], std::nullopt, std::nullopt};
    sqlite3_result_int(ctx, idos::verify_wallet_signature(req).ok() ? 1 : 0);
  });
}

// idos_canonical_wallet_identifier(type, identifier) -> text, error if invalid
void sql_canonical_wallet_identifier(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto type = text_value(argv[0]);
    auto identifier = text_value(argv[1]);
    if (!type || !identifier) return result_error(ctx, ErrorCode::invalid_input, "type and identifier are required");
    if (too_large(*identifier)) return result_error(ctx, ErrorCode::too_large, "identifier too long");
    result_or_error(ctx, idos::canonical_wallet_identifier(*type, *identifier));
  });
}

// idos_access_grant_id(grantee, data_id, locked_until) -> text
void sql_access_grant_id(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto grantee = text_value(argv[0]);
    auto data_id = text_value(argv[1]);
    auto locked_until = integer_value(argv[2]);
    if (!grantee || !data_id) return result_error(ctx, ErrorCode::invalid_input, "grantee and data_id are required");
    if (!locked_until) return result_error(ctx, ErrorCode::invalid_input, "locked_until must be an integer");
    if (too_large(*grantee) || too_large(*data_id)) return result_error(ctx, ErrorCode::too_large, "input too long");
    result_or_error(ctx, idos::access_grant_id(*grantee, *data_id, *locked_until));
  });
}

// idos_content_hash(plaintext) -> text (TEXT hashes its UTF-8 bytes, BLOB its bytes)
void sql_content_hash(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto plaintext = text_value(argv[0]);
    if (!plaintext) return result_error(ctx, ErrorCode::invalid_input, "plaintext is required (TEXT or BLOB)");
    if (too_large(*plaintext)) return result_error(ctx, ErrorCode::too_large, "plaintext over IDOS_MAX_INPUT_BYTES");
    result_text(ctx, idos::content_hash(idos::as_bytes(*plaintext)));
  });
}

// idos_canonical_json(json) -> text (RFC 8785)
void sql_canonical_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto json = text_value(argv[0]);
    if (!json) return result_error(ctx, ErrorCode::invalid_input, "json is required");
    if (too_large(*json)) return result_error(ctx, ErrorCode::too_large, "json over IDOS_MAX_INPUT_BYTES");
    result_or_error(ctx, idos::canonicalize_json_text(*json));
  });
}

// The verdict of idos_validate(kind, json, now [, seen_before]) for both SQL shapes.
Status sql_validate_status(int argc, sqlite3_value** argv) {
  auto kind = text_value(argv[0]);
  auto json = text_value(argv[1]);
  auto now = integer_value(argv[2]);
  std::optional<int64_t> seen = int64_t{0};
  if (argc > 3) seen = integer_value(argv[3]);
  if (!kind || !json) return idos::make_error(ErrorCode::invalid_input, "kind and json are required");
  if (!now) return idos::make_error(ErrorCode::invalid_input, "now must be an integer (unix seconds)");
  if (!seen) return idos::make_error(ErrorCode::invalid_input, "seen_before must be an integer (0 or 1)");
  if (too_large(*json)) return idos::make_error(ErrorCode::too_large, "json over IDOS_MAX_INPUT_BYTES");
  return idos::plugin::validate(*kind, *json, *now, *seen != 0);
}

// idos_validate(kind, json, now [, seen_before]) -> '{"ok":bool,"code":"NAME","message":"..."}'
void sql_validate(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] {
    auto status = sql_validate_status(argc, argv);
    nlohmann::ordered_json out = {{"ok", status.ok()},
                          {"code", std::string(idos::error_code_name(status.code()))},
                          {"message", status.ok() ? std::string() : status.error().message}};
    // Messages can quote input bytes: replace anything that is not UTF-8 instead of throwing.
    result_text(ctx, out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  });
}

// idos_validate_code(kind, json, now [, seen_before]) -> integer code (0 = valid), for CHECKs.
void sql_validate_code(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  guarded(ctx, [&] { sqlite3_result_int(ctx, static_cast<int>(sql_validate_status(argc, argv).code())); });
}

struct SqlFunction {
  const char* name;
  int argc;
  void (*fn)(sqlite3_context*, int, sqlite3_value**);
};

constexpr SqlFunction kFunctions[] = {
    {"idos_plugin_version", 0, sql_version},
    {"idos_error_name", 1, sql_error_name},
    {"idos_verify_wallet_signature", 5, sql_verify_wallet_signature},
    {"idos_verify_wallet_signature", 8, sql_verify_wallet_signature},
    {"idos_canonical_wallet_identifier", 2, sql_canonical_wallet_identifier},
    {"idos_access_grant_id", 3, sql_access_grant_id},
    {"idos_content_hash", 1, sql_content_hash},
    {"idos_canonical_json", 1, sql_canonical_json},
    {"idos_validate", 3, sql_validate},
    {"idos_validate", 4, sql_validate},
    {"idos_validate_code", 3, sql_validate_code},
    {"idos_validate_code", 4, sql_validate_code},
};

}  // namespace

extern "C" IDOS_PLUGIN_API int sqlite3_idosplugin_init(sqlite3* db, char** pz_err_msg,
                                                      const sqlite3_api_routines* api) {
  SQLITE_EXTENSION_INIT2(api);
  try {
    if (!idos::initialize().ok()) {
      if (pz_err_msg != nullptr) *pz_err_msg = sqlite3_mprintf("idos_plugin: libsodium initialisation failed");
      return SQLITE_ERROR;
    }
    // Pure functions of their arguments: usable in indexes, CHECK constraints, generated columns
    // and (INNOCUOUS) in triggers and views of untrusted schemas.
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    for (const auto& f : kFunctions) {
      int rc = sqlite3_create_function_v2(db, f.name, f.argc, flags, nullptr, f.fn, nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK) {
        if (pz_err_msg != nullptr) *pz_err_msg = sqlite3_mprintf("idos_plugin: cannot register %s", f.name);
        return rc;
      }
    }
    return SQLITE_OK;
  } catch (...) {
    return SQLITE_ERROR;
  }
}
