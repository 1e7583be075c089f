// Field checks and the "key: value" line template shared by every signed message the protocol
// layer builds (grants, requests, add-wallet proofs, node receipts). Internal to core/protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "idos/primitives/result.hpp"

namespace idos::detail {

bool is_lower_hex(std::string_view s);
bool is_any_hex(std::string_view s);
// "<what>: <message>", the shape of every field error.
std::string prefixed(std::string_view what, std::string_view message);
// 0..kMaxLockedUntil (invalid_input otherwise).
Status check_locked_until(int64_t locked_until);
// A strict RFC 3339 UTC time (time.hpp).
Status check_time_field(std::string_view value, std::string_view what);
// A token of [a-z0-9_], 1..max bytes.
Status check_token(std::string_view value, size_t max, std::string_view what);
// Printable ASCII without space (0x21..0x7E), 1..max bytes.
Status check_printable(std::string_view value, size_t max, std::string_view what);
// Lines "key: value" joined by LF, no trailing LF. Values were checked by the caller; this
// re-checks the one property the template depends on, so no field can smuggle in a line.
Result<std::string> join_lines(std::initializer_list<std::pair<std::string_view, std::string_view>> lines);

}  // namespace idos::detail
