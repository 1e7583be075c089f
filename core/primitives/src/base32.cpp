// RFC 4648 base32 without padding, written from RFC 4648 section 6; see base32.hpp for why it is
// hand-written and what decoding rejects.
#include "idos/primitives/base32.hpp"

#include <cstdint>

namespace idos {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int digit_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string base32_encode_unpadded(ByteView data) {
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  uint32_t buffer = 0;  // holds at most 12 pending bits
  unsigned bits = 0;
  for (uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 0x1f]);
    }
    buffer &= (1u << bits) - 1;
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);  // zero-filled low bits
  return out;
}

Result<Bytes> base32_decode_unpadded(std::string_view text) {
  if (text.size() > kBase32MaxTextLength) {
    return make_error(ErrorCode::too_large, "base32 text is over its 4096-character limit");
  }
  switch (text.size() % 8) {
    case 1:
    case 3:
    case 6:
      return make_error(ErrorCode::invalid_encoding, "base32 length is 1, 3 or 6 mod 8, which no byte count gives");
    default:
      break;
  }
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  uint32_t buffer = 0;
  unsigned bits = 0;
  for (char c : text) {
    int v = digit_value(c);
    if (v < 0) {
      if (c == '=') return make_error(ErrorCode::invalid_encoding, "base32 padding '=' is not allowed here");
      if (c >= 'a' && c <= 'z') return make_error(ErrorCode::invalid_encoding, "base32 must be uppercase");
      return make_error(ErrorCode::invalid_encoding, "character outside the base32 alphabet (A-Z, 2-7)");
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(buffer >> bits));
      buffer &= (1u << bits) - 1;
    }
  }
  // Fewer than 5 bits remain (the length checks above guarantee it); they must be zero.
  if (buffer != 0) return make_error(ErrorCode::invalid_encoding, "base32 unused trailing bits are not zero");
  return out;
}

}  // namespace idos
