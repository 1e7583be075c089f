#include "idos/primitives/canonical_json.hpp"
#include "idos/primitives/json_dom.hpp"

#include "idos/primitives/encoding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>
#include <version>

#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
#include <charconv>
#define IDOS_HAVE_FLOAT_TO_CHARS 1
#endif

namespace idos {
namespace {

using nlohmann::json;

// Decodes UTF-8 into UTF-16 code units (JCS sorts member names by them); false if `text` is not
// RFC 3629 UTF-8.
bool utf8_to_utf16(std::string_view text, std::u16string& out) {
  out.clear();
  for (size_t i = 0; i < text.size();) {
    auto ch = decode_utf8_char(text, i);
    if (!ch) return false;
    uint32_t cp = ch->code_point;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += ch->length;
  }
  return true;
}

bool is_utf8(std::string_view text) { return is_valid_utf8(text); }

// JSON.stringify's QuoteJSONString for well-formed text (ECMA-262 section 25.5.2.3).
Status write_string(std::string_view text, std::string& out) {
  if (!is_utf8(text)) return make_error(ErrorCode::invalid_utf8, "a JSON string is not valid UTF-8");
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return ok_status();
}

// ECMAScript Number::toString (ECMA-262 section 6.1.6.1.20) for a finite double, radix 10.
std::string es_number_to_string(double value) {
  if (value == 0) return "0";  // both +0 and -0
  std::string out;
  if (value < 0) {
    out += '-';
    value = -value;
  }
  const detail::ShortestDecimal d = detail::shortest_decimal(value);
  const std::string& s = d.digits;
  const int k = static_cast<int>(s.size());
  const int n = d.exponent;  // value = s * 10^(n - k)
  if (k <= n && n <= 21) {
    out += s;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(s, 0, static_cast<size_t>(n));
    out += '.';
    out.append(s, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += s;
  } else {
    const int e = n - 1;
    out += s[0];
    if (k > 1) {
      out += '.';
      out.append(s, 1);
    }
    out += 'e';
    out += e < 0 ? '-' : '+';
    out += std::to_string(e < 0 ? -e : e);
  }
  return out;
}

// Splits "d.ddde[+-]x" (any decimal-point spelling the C locale or another may use) into digits
// and the exponent of the form 0.ddd * 10^exponent.
detail::ShortestDecimal split_scientific(const char* begin, const char* end) {
  detail::ShortestDecimal d;
  const char* p = begin;
  while (p != end && *p != 'e' && *p != 'E') {
    if (*p >= '0' && *p <= '9') d.digits += *p;
    ++p;
  }
  int exp = 0;
  bool negative = false;
  if (p != end) ++p;  // 'e'
  if (p != end && (*p == '+' || *p == '-')) negative = *p++ == '-';
  for (; p != end && *p >= '0' && *p <= '9'; ++p) exp = exp * 10 + (*p - '0');
  d.exponent = (negative ? -exp : exp) + 1;
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  return d;
}

struct Member {
  std::u16string sort_key;
  const std::string* name;
  const json* value;
};

Status write_value(const json& value, size_t depth, const JsonLimits& limits, std::string& out) {
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return ok_status();
    case json::value_t::boolean:
      out += *value.get_ptr<const json::boolean_t*>() ? "true" : "false";
      return ok_status();
    case json::value_t::number_integer:
      // Read as JavaScript would: the nearest double (round half to even), as for any decimal.
      out += es_number_to_string(static_cast<double>(*value.get_ptr<const json::number_integer_t*>()));
      return ok_status();
    case json::value_t::number_unsigned:
      out += es_number_to_string(static_cast<double>(*value.get_ptr<const json::number_unsigned_t*>()));
      return ok_status();
    case json::value_t::number_float: {
      IDOS_TRY(std::string number, canonicalize_json_number(*value.get_ptr<const json::number_float_t*>()));
      out += number;
      return ok_status();
    }
    case json::value_t::string:
      return write_string(*value.get_ptr<const json::string_t*>(), out);
    case json::value_t::array: {
      if (depth + 1 > limits.max_depth) {
        return make_error(ErrorCode::invalid_input, "JSON nesting is deeper than the limit of " +
                                                        std::to_string(limits.max_depth));
      }
      out += '[';
      bool first = true;
      for (const json& item : *value.get_ptr<const json::array_t*>()) {
        if (!first) out += ',';
        first = false;
        IDOS_CHECK(write_value(item, depth + 1, limits, out));
      }
      out += ']';
      return ok_status();
    }
    case json::value_t::object: {
      if (depth + 1 > limits.max_depth) {
        return make_error(ErrorCode::invalid_input, "JSON nesting is deeper than the limit of " +
                                                        std::to_string(limits.max_depth));
      }
      const auto& object = *value.get_ptr<const json::object_t*>();
      std::vector<Member> members;
      members.reserve(object.size());
      for (const auto& [name, member_value] : object) {
        Member m{{}, &name, &member_value};
        if (!utf8_to_utf16(name, m.sort_key)) {
          return make_error(ErrorCode::invalid_utf8, "a JSON object member name is not valid UTF-8");
        }
        members.push_back(std::move(m));
      }
      // std::u16string compares code unit by code unit, as RFC 8785 section 3.2.3 requires.
      std::sort(members.begin(), members.end(),
                [](const Member& a, const Member& b) { return a.sort_key < b.sort_key; });
      out += '{';
      bool first = true;
      for (const Member& m : members) {
        if (!first) out += ',';
        first = false;
        IDOS_CHECK(write_string(*m.name, out));
        out += ':';
        IDOS_CHECK(write_value(*m.value, depth + 1, limits, out));
      }
      out += '}';
      return ok_status();
    }
    case json::value_t::binary:
      return make_error(ErrorCode::invalid_input, "binary values have no JSON form");
    case json::value_t::discarded:
      return make_error(ErrorCode::invalid_input, "a discarded JSON value cannot be canonicalized");
  }
  return make_error(ErrorCode::invalid_input, "unknown JSON value type");
}

}  // namespace

namespace detail {

ShortestDecimal shortest_decimal_by_printf(double value) {
  // The first precision whose correctly rounded "%.*e" reads back as the same double gives the
  // fewest digits, and that rounding is the closest decimal of that length (glibc and musl both
  // print and read doubles exactly). The text goes back through strtod unchanged, so whatever
  // decimal point the current locale prints, strtod expects the same one.
  char buf[64];
  int len = 0;
  for (int precision = 1; precision <= 17; ++precision) {
    len = std::snprintf(buf, sizeof buf, "%.*e", precision - 1, value);
    if (len <= 0 || static_cast<size_t>(len) >= sizeof buf) break;
    if (std::strtod(buf, nullptr) == value) break;
  }
  if (len <= 0 || static_cast<size_t>(len) >= sizeof buf) return {};
  return split_scientific(buf, buf + len);
}

ShortestDecimal shortest_decimal(double value) {
#if defined(IDOS_HAVE_FLOAT_TO_CHARS)
  // Without a precision, to_chars writes the shortest representation that round-trips, choosing
  // the closest to the exact value when there are several (as ECMA-262 asks), in any locale.
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  if (result.ec == std::errc()) return split_scientific(buf, result.ptr);
#endif
  return shortest_decimal_by_printf(value);
}

}  // namespace detail

Result<std::string> canonicalize_json_number(double value) {
  if (std::isnan(value)) return make_error(ErrorCode::invalid_input, "NaN has no JSON form");
  if (std::isinf(value)) return make_error(ErrorCode::invalid_input, "Infinity has no JSON form");
  return es_number_to_string(value);
}

Result<std::string> canonicalize_json(const json& value, const JsonLimits& limits) {
  std::string out;
  IDOS_CHECK(write_value(value, 0, limits, out));
  return out;
}

Result<std::string> canonicalize_json_text(std::string_view text, const JsonLimits& limits) {
  IDOS_TRY(json value, parse_json(text, limits));
  return canonicalize_json(value, limits);
}

}  // namespace idos
