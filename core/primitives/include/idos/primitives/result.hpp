// Result type and the stable error codes shared by the core, the C ABI and the JS package.
//
// Rules:
// - No exception leaves the core: every fallible call returns Result<T> (or Status).
// - ErrorCode values are stable: they are the integers of the plugin's C ABI and, by name,
//   the `code` of the JS `IdosError`. Append new codes at the end; never renumber.
// - "Does not verify" is an error, never a value: every verifier returns Status, ok when the
//   signature or proof verifies and ErrorCode::verify_failed when a well-formed one does not
//   (docs/errors.md). A malformed input keeps its own code.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace idos {

// The one table of error codes: X(identifier, NAME, number). Everything else is generated from
// it or checked against it, so no copy can drift:
// - ErrorCode and error_code_name() below;
// - the plugin's C enum (plugin/include/idos_plugin.h is written out so it stays a standalone C
//   header; plugin/src/plugin.cpp static_asserts every IDOS_<NAME> and IDOS_LAST_CODE against
//   this table);
// - the module's errorCodes list (wasm/bindings.cpp), from which the JS package's ERROR_CODES and
//   IdosErrorCode type are generated (js/scripts/build.mjs);
// - docs/errors.md, web-demo/site/lib/errors.js and tests/node/badinput.test.mjs are compared
//   with it by tests/drift/error-table.test.mjs.
// Append new codes at the end (and move kLastErrorCode); never renumber.
#define IDOS_ERROR_CODES(X)                                                                        \
  X(ok, OK, 0)                                                                                     \
  X(invalid_input, INVALID_INPUT, 1)         /* structurally wrong argument (missing field, ...) */ \
  X(invalid_encoding, INVALID_ENCODING, 2)   /* malformed or non-canonical base64/hex/base58/32 */  \
  X(invalid_length, INVALID_LENGTH, 3)       /* a key, nonce, signature or buffer of wrong size */  \
  X(invalid_utf8, INVALID_UTF8, 4)           /* text that is not valid UTF-8 */                     \
  X(invalid_json, INVALID_JSON, 5)           /* JSON that does not parse, or exceeds the depth */   \
  X(too_large, TOO_LARGE, 6)                 /* input over its documented size limit */             \
  X(invalid_key, INVALID_KEY, 7)             /* unusable key (low-order point, off-curve, zero) */  \
  X(decrypt_failed, DECRYPT_FAILED, 8)       /* authentication failed (wrong key, tampered) */      \
  X(verify_failed, VERIFY_FAILED, 9)         /* well-formed signature or proof: does not verify */  \
  X(invalid_signature, INVALID_SIGNATURE, 10) /* malformed signature (length, high-S, r/s range) */ \
  X(checksum_mismatch, CHECKSUM_MISMATCH, 11) /* identifier checksum wrong (EIP-55, StrKey, ...) */ \
  X(unsupported, UNSUPPORTED, 12)            /* unknown wallet type, cryptosuite, version, ... */   \
  X(locked, LOCKED, 13)                      /* a timelock is still in force */                     \
  X(expired, EXPIRED, 14)                    /* past a validity window */                           \
  X(not_yet_valid, NOT_YET_VALID, 15)        /* before a validity window */                         \
  X(replayed, REPLAYED, 16)                  /* an id or nonce seen before */                       \
  X(forbidden, FORBIDDEN, 17)                /* the caller is not allowed to do this */             \
  X(internal, INTERNAL, 18)                  /* not the caller's fault (allocation, RNG) */         \
  X(mismatch, MISMATCH, 19)                  /* fields that must agree do not (hash, id, key) */    \
  X(not_found, NOT_FOUND, 20)                /* the object does not exist (or is not visible) */    \
  X(rate_limited, RATE_LIMITED, 21)          /* too many requests from one caller; retry later */   \
  X(unavailable, UNAVAILABLE, 22)            /* not now: the log is unreachable or not applied yet */

enum class ErrorCode : int32_t {
#define IDOS_ERROR_CODE_ENUMERATOR(id, NAME, number) id = number,
  IDOS_ERROR_CODES(IDOS_ERROR_CODE_ENUMERATOR)
#undef IDOS_ERROR_CODE_ENUMERATOR
};

// The highest code (the C ABI's IDOS_LAST_CODE): every integer in [0, kLastErrorCode] is a code.
inline constexpr ErrorCode kLastErrorCode = ErrorCode::unavailable;
namespace detail {
#define IDOS_ERROR_CODE_ONE(id, NAME, number) +1
inline constexpr int32_t kErrorCodeCount = 0 IDOS_ERROR_CODES(IDOS_ERROR_CODE_ONE);
#undef IDOS_ERROR_CODE_ONE
}  // namespace detail
// N distinct codes (error_code_name's switch refuses duplicates), each in [0, last], N == last + 1:
// so the codes are exactly 0..last.
#define IDOS_ERROR_CODE_IN_RANGE(id, NAME, number) \
  static_assert(number >= 0 && number <= static_cast<int32_t>(kLastErrorCode), #NAME " is above kLastErrorCode");
IDOS_ERROR_CODES(IDOS_ERROR_CODE_IN_RANGE)
#undef IDOS_ERROR_CODE_IN_RANGE
static_assert(detail::kErrorCodeCount == static_cast<int32_t>(kLastErrorCode) + 1,
              "error codes must be numbered 0..N-1 and kLastErrorCode must be the last");

// Stable upper-snake name for a code, e.g. "INVALID_ENCODING". Used by the JS IdosError.code.
std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(state_); }
  ErrorCode code() const { return ok() ? ErrorCode::ok : error().code; }

 private:
  std::variant<T, Error> state_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace idos

// Propagate an error from a Result-returning expression: `IDOS_TRY(auto x, parse(...));`
#define IDOS_CONCAT_INNER(a, b) a##b
#define IDOS_CONCAT(a, b) IDOS_CONCAT_INNER(a, b)
#define IDOS_TRY(decl, expr) IDOS_TRY_IMPL(IDOS_CONCAT(idos_try_, __LINE__), decl, expr)
#define IDOS_TRY_IMPL(tmp, decl, expr)      \
  auto tmp = (expr);                        \
  if (!tmp.ok()) return tmp.error();        \
  decl = std::move(tmp).value()
#define IDOS_CHECK(expr)                                          \
  do {                                                            \
    auto idos_check_ = (expr);                                    \
    if (!idos_check_.ok()) return idos_check_.error();            \
  } while (0)
