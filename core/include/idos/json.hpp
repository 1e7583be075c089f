// Strict, bounded JSON parsing for every document the project reads from outside, plus small
// typed field accessors for the validators built on top of it.
//
// parse_json accepts exactly RFC 8259 JSON that is also I-JSON (RFC 7493) as far as structure
// goes, and MUST reject, in this order:
// - text longer than JsonLimits::max_bytes (too_large), checked before any parsing;
// - text that is not well-formed UTF-8 (invalid_utf8), checked on the whole input so the result
//   does not depend on what the JSON library checks; a leading byte order mark is invalid_json;
// - arrays/objects nested deeper than JsonLimits::max_depth (invalid_json), enforced while
//   parsing, so a hostile "[[[[..." never builds a deep tree nor recurses;
// - an object with two members of the same name after unescaping (invalid_json, RFC 7493 2.3);
// - anything else the parser refuses: syntax, lone surrogate escapes, numbers that overflow a
//   double, trailing text (invalid_json, with the byte offset).
// Numbers keep nlohmann's types (integer, unsigned, float); canonical_json treats them all as
// IEEE doubles.
//
// The accessors never throw: each checks the type before reading and names the field in errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "idos/result.hpp"

namespace idos {

struct JsonLimits {
  size_t max_bytes = 1 << 20;  // whole input text, in bytes
  size_t max_depth = 32;       // nesting of arrays and objects; a scalar is depth 0, "[]" depth 1
};

Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits = {});

// A required string member of `obj` of at most `max_len` bytes (too_large beyond). invalid_input
// when `obj` is not an object, or the member is missing or not a string; invalid_utf8 when a
// programmatically built value holds bytes that are not UTF-8.
Result<std::string> get_string_field(const nlohmann::json& obj, std::string_view key, size_t max_len);
// As get_string_field, but a missing member gives std::nullopt (a present null is still an error).
Result<std::optional<std::string>> get_optional_string_field(const nlohmann::json& obj, std::string_view key,
                                                             size_t max_len);

// A required integer member in [min, max]. Only JSON integers count: 1.0 and 1e2 are floats and
// are rejected, as are integers outside the range (invalid_input for all).
Result<int64_t> get_int_field(const nlohmann::json& obj, std::string_view key, int64_t min, int64_t max);

// A required boolean member.
Result<bool> get_bool_field(const nlohmann::json& obj, std::string_view key);

// A required object / array member, returned by pointer into `obj` (valid while `obj` lives).
// get_array_field rejects arrays longer than `max_items` with too_large.
Result<const nlohmann::json*> get_object_field(const nlohmann::json& obj, std::string_view key);
Result<const nlohmann::json*> get_array_field(const nlohmann::json& obj, std::string_view key, size_t max_items);

// invalid_input naming the first member (in byte order) whose name is not in `allowed`, or when
// `obj` is not an object.
Status check_only_known_fields(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed);

}  // namespace idos
