// The parsed JSON tree (nlohmann::json) behind json.hpp and canonical_json.hpp, for code that
// works on a document's members: the protocol layer's validators, the storage node's API, tests.
// In-tree only (core/primitives/dom/ is not a public include directory of the core: the faces,
// wasm/ and plugin/, speak text and bytes).
//
// parse_json applies every rule of json.hpp. The accessors never throw: each checks the type
// before reading and names the field in errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "idos/primitives/json.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

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

// RFC 8785 canonical JSON of a parsed value (canonical_json.hpp for the rules).
Result<std::string> canonicalize_json(const nlohmann::json& value, const JsonLimits& limits = {});

}  // namespace idos
