// Result type and the stable error codes shared by the core, the C ABI and the JS package.
//
// Rules:
// - No exception leaves the core: every fallible call returns Result<T> (or Status).
// - ErrorCode values are stable: they are the integers of the plugin's C ABI and, by name,
//   the `code` of the JS `IdosError`. Append new codes at the end; never renumber.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace idos {

enum class ErrorCode : int32_t {
  ok = 0,
  invalid_input = 1,       // structurally wrong argument (missing field, wrong type, bad value)
  invalid_encoding = 2,    // non-canonical or malformed base64 / hex / base58 / base32
  invalid_length = 3,      // a key, nonce, signature or buffer of the wrong size
  invalid_utf8 = 4,        // text that is not valid UTF-8
  invalid_json = 5,        // JSON that does not parse, or exceeds the depth limit
  too_large = 6,           // input over its documented size limit
  invalid_key = 7,         // a key that is not usable (low-order point, off-curve, zero)
  decrypt_failed = 8,      // authentication failed (wrong key, tampered ciphertext)
  verify_failed = 9,       // a well-formed signature or proof that does not verify
  invalid_signature = 10,  // a malformed signature (wrong length, high-S, r/s out of range)
  checksum_mismatch = 11,  // an identifier whose checksum is wrong (EIP-55, base58check, StrKey)
  unsupported = 12,        // an unknown wallet type, cryptosuite, version or operation
  locked = 13,             // a timelock is still in force
  expired = 14,            // past a validity window
  not_yet_valid = 15,      // before a validity window
  replayed = 16,           // an id or nonce seen before
  forbidden = 17,          // the caller is not allowed to do this (not the owner, not the grantee)
  internal = 18,           // a failure that is not the caller's (allocation, RNG)
  mismatch = 19,           // fields that must agree do not (hash, id, key vs identifier)
  not_found = 20,          // the object asked for does not exist (or is not visible to the caller)
  rate_limited = 21,       // too many requests from one caller; retry later
};

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
