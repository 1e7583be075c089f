// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte string that is hashed or signed for a
// JSON value, identical to what JavaScript's JSON.stringify-based reference implementation emits.
//
// - Object members are sorted by the UTF-16 code units of their names (RFC 8785 section 3.2.3),
//   so U+10000..U+10FFFF (surrogates D800..DBFF) sort before U+E000..U+FFFF.
// - Strings are written as ECMAScript JSON.stringify writes them: \b \t \n \f \r \" \\ escaped,
//   other controls below U+0020 as \u00xx (lowercase hex), everything else as literal UTF-8.
// - Every number, whatever the parser stored it as (int64, uint64, double), is taken as an IEEE 754
//   double, as JavaScript would read it (so 9007199254740993 becomes 9007199254740992), and
//   written as ECMAScript Number.prototype.toString does: shortest round-trip digits, plain
//   notation from 1e-6 up to below 1e21, exponent form ("1e+21", "1e-7") outside; -0 is "0".
// - No whitespace.
//
// This is hand-written because no C++ JCS library is packaged in Debian; the npm `canonicalize`
// package (by the RFC's author) generates tests/vectors/jcs.json, which the tests check in full.
//
// Errors: invalid_input for NaN/Infinity, binary or discarded values and nesting deeper than
// limits.max_depth (all only possible in programmatically built values); invalid_utf8 for a
// string or member name that is not UTF-8. canonicalize_json_text first applies every rule of
// json.hpp. The form taking a parsed value is in json_dom.hpp.
#pragma once

#include <string>
#include <string_view>

#include "idos/primitives/json.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

Result<std::string> canonicalize_json_text(std::string_view text, const JsonLimits& limits = {});

// One number as JCS writes it (ECMAScript Number::toString); invalid_input for NaN and infinities.
Result<std::string> canonicalize_json_number(double value);

namespace detail {
// Shortest decimal that reads back as `value`: value == 0.<digits> * 10^exponent, digits without
// trailing zeros, the closest such decimal to `value` when several have as few digits. For finite
// value > 0 only. std::to_chars is used where the standard library has it for doubles; Emscripten
// 3.1.6's libc++ does not, and there the printf-based fallback below is used. Both are exposed so
// the native tests can check the fallback against std::to_chars.
struct ShortestDecimal {
  std::string digits;
  int exponent = 0;
};
ShortestDecimal shortest_decimal(double value);
ShortestDecimal shortest_decimal_by_printf(double value);
}  // namespace detail

}  // namespace idos
