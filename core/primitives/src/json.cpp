#include "idos/primitives/json_dom.hpp"

#include "idos/primitives/encoding.hpp"

#include <set>
#include <utility>
#include <vector>

namespace idos {
namespace {

using nlohmann::json;

// Offset of the first byte that breaks RFC 3629 UTF-8, or npos (so the error can say where).
size_t first_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto ch = decode_utf8_char(text, i);
    if (!ch) return i;
    i += ch->length;
  }
  return std::string_view::npos;
}

// Text from outside (a member name, a parser token) made safe and short for an error message:
// printable ASCII as is, every other byte as \xNN, at most `max_bytes` of input.
std::string printable(std::string_view text, size_t max_bytes = 64) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const size_t n = text.size() < max_bytes ? text.size() : max_bytes;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (n < text.size()) out += "...";
  return out;
}

std::string quote_name(std::string_view name) { return "'" + printable(name) + "'"; }

// Runs only when the DOM parse failed for a reason of the parser's own: a second, event-only pass
// that stops at the first error and keeps its position (the DOM parse without exceptions does not
// report one). nlohmann's SAX parser is iterative, so this pass is as stack-safe as the first.
class ParseErrorLocator final : public json::json_sax_t {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    found = true;
    // `position` counts the bytes read, the offending one included.
    offset = position > 0 ? position - 1 : 0;
    // Drop "[json.exception.parse_error.101] parse error at line 1, column 4: ": the offset says it.
    std::string_view what = ex.what();
    if (auto p = what.find("] "); p != std::string_view::npos) what.remove_prefix(p + 2);
    if (what.rfind("parse error at line", 0) == 0) {
      if (auto p = what.find(": "); p != std::string_view::npos) what.remove_prefix(p + 2);
    }
    reason = printable(what, 200);
    return false;
  }

  bool found = false;
  size_t offset = 0;
  std::string reason;
};

// State of the DOM parse callback: local to one parse_json call, never shared.
struct StructureCheck {
  size_t max_depth = 0;
  std::vector<std::set<std::string>> open_objects;  // member names seen, innermost last
  std::optional<Error> error;

  bool fail(std::string message) {
    error = make_error(ErrorCode::invalid_json, std::move(message));
    open_objects.clear();
    return false;
  }

  // nlohmann calls this for every parse event; returning false discards the value. Once an error
  // is recorded everything is discarded (the parser cannot be stopped from here), so nothing deep
  // or large is built and the bookkeeping below is no longer needed.
  bool on_event(int depth, json::parse_event_t event, json& parsed) {
    if (error) return false;
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        // `depth` counts the containers around the one starting.
        if (static_cast<size_t>(depth) + 1 > max_depth) {
          return fail("JSON nesting is deeper than the limit of " + std::to_string(max_depth));
        }
        if (event == json::parse_event_t::object_start) open_objects.emplace_back();
        return true;
      case json::parse_event_t::key: {
        const auto* name = parsed.get_ptr<const std::string*>();
        if (name == nullptr || open_objects.empty()) return fail("malformed object member name");
        if (!open_objects.back().insert(*name).second) {
          return fail("duplicate object member name " + quote_name(*name));
        }
        return true;
      }
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        return true;
      case json::parse_event_t::array_end:
      case json::parse_event_t::value:
        return true;
    }
    return true;
  }
};

Result<const json*> find_member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return make_error(ErrorCode::invalid_input, "expected a JSON object");
  auto it = obj.find(std::string(key));
  if (it == obj.end()) return make_error(ErrorCode::invalid_input, "missing field " + quote_name(key));
  return &*it;
}

Result<std::string> read_string(const json& value, std::string_view key, size_t max_len) {
  const auto* s = value.get_ptr<const std::string*>();
  if (s == nullptr) return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be a string");
  if (s->size() > max_len) {
    return make_error(ErrorCode::too_large, "field " + quote_name(key) + " is " + std::to_string(s->size()) +
                                                " bytes; the limit is " + std::to_string(max_len));
  }
  if (first_invalid_utf8(*s) != std::string_view::npos) {
    return make_error(ErrorCode::invalid_utf8, "field " + quote_name(key) + " is not valid UTF-8");
  }
  return *s;
}

}  // namespace

Result<json> parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(ErrorCode::too_large, "JSON text is " + std::to_string(text.size()) +
                                                " bytes; the limit is " + std::to_string(limits.max_bytes));
  }
  if (const size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    return make_error(ErrorCode::invalid_utf8, "JSON text is not valid UTF-8 at byte offset " + std::to_string(bad));
  }
  // RFC 8259 section 8.1: senders MUST NOT add a byte order mark. nlohmann would skip it silently.
  if (text.substr(0, 3) == "\xef\xbb\xbf") {
    return make_error(ErrorCode::invalid_json, "JSON text starts with a byte order mark");
  }

  StructureCheck check;
  check.max_depth = limits.max_depth;
  json::parser_callback_t callback = [&check](int depth, json::parse_event_t event, json& parsed) {
    return check.on_event(depth, event, parsed);
  };
  json value = json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false,
                           /*ignore_comments=*/false);
  if (check.error) return *check.error;
  if (value.is_discarded()) {
    ParseErrorLocator locator;
    (void)json::sax_parse(text.begin(), text.end(), &locator, nlohmann::json::input_format_t::json,
                          /*strict=*/true, /*ignore_comments=*/false);
    if (!locator.found) return make_error(ErrorCode::invalid_json, "JSON text does not parse");
    return make_error(ErrorCode::invalid_json,
                      "invalid JSON at byte offset " + std::to_string(locator.offset) + ": " + locator.reason);
  }
  return value;
}

Status check_json_text(std::string_view text, const JsonLimits& limits) {
  IDOS_TRY(json parsed, parse_json(text, limits));
  (void)parsed;
  return ok_status();
}

Result<std::string> get_string_field(const json& obj, std::string_view key, size_t max_len) {
  IDOS_TRY(const json* member, find_member(obj, key));
  return read_string(*member, key, max_len);
}

Result<std::optional<std::string>> get_optional_string_field(const json& obj, std::string_view key,
                                                             size_t max_len) {
  if (!obj.is_object()) return make_error(ErrorCode::invalid_input, "expected a JSON object");
  auto it = obj.find(std::string(key));
  if (it == obj.end()) return std::optional<std::string>{};
  IDOS_TRY(std::string s, read_string(*it, key, max_len));
  return std::optional<std::string>{std::move(s)};
}

Result<int64_t> get_int_field(const json& obj, std::string_view key, int64_t min, int64_t max) {
  IDOS_TRY(const json* member, find_member(obj, key));
  const std::string range = " in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (member->is_number_unsigned()) {
    const auto* u = member->get_ptr<const json::number_unsigned_t*>();
    if (max < 0 || *u > static_cast<uint64_t>(max)) {
      return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be an integer" + range);
    }
    const auto v = static_cast<int64_t>(*u);
    if (v < min) return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be an integer" + range);
    return v;
  }
  if (member->is_number_integer()) {
    const int64_t v = *member->get_ptr<const json::number_integer_t*>();
    if (v < min || v > max) {
      return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be an integer" + range);
    }
    return v;
  }
  if (member->is_number_float()) {
    return make_error(ErrorCode::invalid_input,
                      "field " + quote_name(key) + " must be an integer, not a number with a fraction or exponent");
  }
  return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be an integer");
}

Result<bool> get_bool_field(const json& obj, std::string_view key) {
  IDOS_TRY(const json* member, find_member(obj, key));
  const auto* b = member->get_ptr<const json::boolean_t*>();
  if (b == nullptr) return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be a boolean");
  return *b;
}

Result<const json*> get_object_field(const json& obj, std::string_view key) {
  IDOS_TRY(const json* member, find_member(obj, key));
  if (!member->is_object()) return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be an object");
  return member;
}

Result<const json*> get_array_field(const json& obj, std::string_view key, size_t max_items) {
  IDOS_TRY(const json* member, find_member(obj, key));
  if (!member->is_array()) return make_error(ErrorCode::invalid_input, "field " + quote_name(key) + " must be an array");
  if (member->size() > max_items) {
    return make_error(ErrorCode::too_large, "field " + quote_name(key) + " has " + std::to_string(member->size()) +
                                                " items; the limit is " + std::to_string(max_items));
  }
  return member;
}

Status check_only_known_fields(const json& obj, std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object()) return make_error(ErrorCode::invalid_input, "expected a JSON object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& name = it.key();
    bool known = false;
    for (std::string_view a : allowed) {
      if (name == a) {
        known = true;
        break;
      }
    }
    if (!known) return make_error(ErrorCode::invalid_input, "unknown field " + quote_name(name));
  }
  return ok_status();
}

}  // namespace idos
