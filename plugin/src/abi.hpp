// Shared between the C ABI (plugin.cpp) and the SQLite functions (sqlite_extension.cpp): how a
// C buffer becomes a string_view and how a Result becomes a code + message. Internal only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "idos/primitives/result.hpp"
#include "idos_plugin.h"

namespace idos::plugin {

// A C argument (pointer, length) as a view, by rule 2 of idos_plugin.h.
struct Arg {
  ErrorCode code = ErrorCode::ok;
  std::string_view text;
  bool present = true;
};
Arg text_arg(const char* data, size_t len, bool optional, std::string_view what);
inline Arg bytes_arg(const uint8_t* data, size_t len, std::string_view what) {
  return text_arg(reinterpret_cast<const char*>(data), len, false, what);
}

// Copies `text` into a malloc'd NUL-terminated buffer (nullptr on allocation failure).
char* dup_c(std::string_view text);

// The one place a verdict leaves the plugin: sets *error_message (when asked) and returns the code.
int32_t finish(ErrorCode code, std::string_view message, char** error_message);
inline int32_t finish(const Error& e, char** error_message) { return finish(e.code, e.message, error_message); }

// Hands a text result out through (out, out_len), or returns the error.
int32_t finish_text(const Result<std::string>& r, char** out, size_t* out_len, char** error_message);

// validate_document, unchanged: the one call behind idos_validate, the per-kind entry points and the
// SQL functions, so all of them give the same verdict. It adds nothing; each caller checks its own
// arguments first (rule 2 of idos_plugin.h in plugin.cpp, SQL types and sizes in
// sqlite_extension.cpp).
Status validate(std::string_view kind, std::string_view json, int64_t now, bool seen_before);

}  // namespace idos::plugin
