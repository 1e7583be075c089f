// Field checks and the line template shared by every signed message of the protocol layer.
#include "message_fields.hpp"

#include <string>

#include "idos/primitives/time.hpp"
#include "idos/protocol/grant.hpp"

namespace idos::detail {

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_any_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string prefixed(std::string_view what, std::string_view message) {
  std::string out(what);
  out += ": ";
  out += message;
  return out;
}

Status check_locked_until(int64_t locked_until) {
  if (locked_until < 0 || locked_until > kMaxLockedUntil) {
    return make_error(ErrorCode::invalid_input, "locked_until must be an integer in 0..253402300799");
  }
  return ok_status();
}

Status check_time_field(std::string_view value, std::string_view what) {
  auto parsed = parse_rfc3339_utc(value);
  if (!parsed) return make_error(parsed.code(), prefixed(what, parsed.error().message));
  return ok_status();
}

// Token of [a-z0-9_], 1..max bytes.
Status check_token(std::string_view value, size_t max, std::string_view what) {
  if (value.empty()) return make_error(ErrorCode::invalid_input, prefixed(what, "must not be empty"));
  if (value.size() > max) return make_error(ErrorCode::too_large, prefixed(what, "is too long"));
  for (char c : value) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return make_error(ErrorCode::invalid_input, prefixed(what, "may only hold a-z, 0-9 and '_'"));
    }
  }
  return ok_status();
}

// Printable ASCII without space: 0x21..0x7E, 1..max bytes.
Status check_printable(std::string_view value, size_t max, std::string_view what) {
  if (value.empty()) return make_error(ErrorCode::invalid_input, prefixed(what, "must not be empty"));
  if (value.size() > max) return make_error(ErrorCode::too_large, prefixed(what, "is too long"));
  for (char c : value) {
    if (c < 0x21 || c > 0x7e) return make_error(ErrorCode::invalid_input, prefixed(what, "must be printable ASCII without spaces"));
  }
  return ok_status();
}

// Lines "key: value" joined by LF. Values were checked by the caller; this re-checks the one
// property the template depends on, so no future field can smuggle in a line.
Result<std::string> join_lines(std::initializer_list<std::pair<std::string_view, std::string_view>> lines) {
  std::string out;
  bool first = true;
  for (const auto& [key, value] : lines) {
    if (value.find('\n') != std::string_view::npos || value.find('\r') != std::string_view::npos) {
      return make_error(ErrorCode::invalid_input, prefixed(key, "must not contain a line break"));
    }
    if (!first) out += '\n';
    first = false;
    out += key;
    out += ": ";
    out += value;
  }
  return out;
}


}  // namespace idos::detail
