// Text encodings at the edges of the system, strict on the way in.
//
// - base64: the standard alphabet with '=' padding (RFC 4648 section 4), as idOS stores content and
//   keys. Decoding rejects whitespace, missing or extra padding, the URL-safe alphabet and
//   non-zero trailing bits, so every byte string has exactly one accepted spelling.
// - hex: lowercase out; in, only lowercase and an even number of digits (no "0x": callers strip a
//   prefix where a format has one).
// - UTF-8: well-formed per RFC 3629 (no overlongs, no surrogates, nothing above U+10FFFF).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

// Default ceiling for any encoded input (16 MiB of text); each format may set a lower one.
inline constexpr size_t kMaxEncodedInput = 16u << 20;

std::string base64_encode(ByteView bytes);
Result<Bytes> base64_decode(std::string_view text, size_t max_text = kMaxEncodedInput);

std::string hex_encode(ByteView bytes);
Result<Bytes> hex_decode(std::string_view text, size_t max_text = kMaxEncodedInput);
// Decodes hex that must yield exactly `expected_size` bytes (invalid_length otherwise).
Result<Bytes> hex_decode_exact(std::string_view text, size_t expected_size);

// One UTF-8 scalar value decoded at `pos`: its code point and its length in bytes.
struct Utf8Char {
  uint32_t code_point;
  size_t length;
};
// nullopt where `text` at `pos` is not well-formed RFC 3629 UTF-8 (or pos is at the end).
std::optional<Utf8Char> decode_utf8_char(std::string_view text, size_t pos);

bool is_valid_utf8(std::string_view text);
Status check_utf8(std::string_view text, std::string_view what);

}  // namespace idos
