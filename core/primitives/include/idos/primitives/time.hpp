// RFC 3339 timestamps in the one strict form the grant formats use: "YYYY-MM-DDTHH:MM:SSZ".
//
// Why hand-written and strict: every signed message embeds times as text, and two implementations
// must agree on which texts are valid and which instant they name. So exactly one spelling is
// accepted per instant (docs/spec/time.md):
// - 20 characters, uppercase 'T' and 'Z', no fractional seconds, no numeric offset, no leap
//   second (SS <= 59);
// - a real proleptic Gregorian calendar date (Feb 29 only in leap years), years 1970..9999.
// Times are integer unix seconds (int64_t). No clock is read anywhere in the core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/result.hpp"

namespace idos {

inline constexpr size_t kRfc3339Length = 20;
inline constexpr int64_t kMinUnixTime = 0;                   // 1970-01-01T00:00:00Z
inline constexpr int64_t kMaxUnixTime = 253402300799;        // 9999-12-31T23:59:59Z

// Errors: invalid_length (not 20 characters), invalid_input (any other deviation, naming it).
Result<int64_t> parse_rfc3339_utc(std::string_view text);

// Errors: invalid_input for a time outside [kMinUnixTime, kMaxUnixTime].
Result<std::string> format_rfc3339_utc(int64_t unix_seconds);

// Days since 1970-01-01 of a proleptic Gregorian date (no range or validity checks).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace idos
