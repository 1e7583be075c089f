// Strict, bounded JSON: the limits and the rules every document the project reads from outside
// must meet. This public header takes and returns text only; the parsed tree (nlohmann::json) and
// its typed accessors are in json_dom.hpp, an in-tree header for the core's own layers and the
// node (core/primitives/dom/, not part of the public API).
//
// A document is accepted when it is exactly RFC 8259 JSON that is also I-JSON (RFC 7493) as far as structure
// goes, and MUST reject, in this order:
// - text longer than JsonLimits::max_bytes (too_large), checked before any parsing;
// - text that is not well-formed UTF-8 (invalid_utf8), checked on the whole input so the result
//   does not depend on what the JSON library checks; a leading byte order mark is invalid_json;
// - arrays/objects nested deeper than JsonLimits::max_depth (invalid_json), enforced while
//   parsing, so a hostile "[[[[..." never builds a deep tree nor recurses;
// - an object with two members of the same name after unescaping (invalid_json, RFC 7493 2.3);
// - anything else the parser refuses: syntax, lone surrogate escapes, numbers that overflow a
//   double, trailing text (invalid_json, with the byte offset).
// Numbers keep the parser's types (integer, unsigned, float); canonical_json treats them all
// as IEEE doubles.
#pragma once

#include <cstddef>
#include <string_view>

#include "idos/primitives/result.hpp"

namespace idos {

struct JsonLimits {
  size_t max_bytes = 1 << 20;  // whole input text, in bytes
  size_t max_depth = 32;       // nesting of arrays and objects; a scalar is depth 0, "[]" depth 1
};

// ok when `text` is one JSON value meeting every rule above; the first rule broken otherwise.
Status check_json_text(std::string_view text, const JsonLimits& limits = {});

}  // namespace idos
