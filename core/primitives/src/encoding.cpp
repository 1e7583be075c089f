#include "idos/primitives/encoding.hpp"

#include <sodium.h>

#include "idos/primitives/init.hpp"

namespace idos {

std::string base64_encode(ByteView bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL libsodium writes
  return out;
}

Result<Bytes> base64_decode(std::string_view text, size_t max_text) {
  if (text.size() > max_text) return make_error(ErrorCode::too_large, "base64 text is over its size limit");
  if (text.size() % 4 != 0) return make_error(ErrorCode::invalid_encoding, "base64 length is not a multiple of 4");
  if (text.empty()) return Bytes{};  // libsodium's output pointer must not be NULL
  Bytes out(text.size() / 4 * 3);
  size_t written = 0;
  const char* end = nullptr;
  // libsodium rejects characters outside the alphabet (no `ignore` set: whitespace included),
  // wrong padding and non-zero trailing bits; `end` must reach the end of the text.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return make_error(ErrorCode::invalid_encoding, "not canonical base64 (standard alphabet, padded)");
  }
  out.resize(written);
  // Belt and braces: exactly one spelling per byte string.
  if (base64_encode(out) != text) return make_error(ErrorCode::invalid_encoding, "not canonical base64");
  return out;
}

std::string hex_encode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

Result<Bytes> hex_decode(std::string_view text, size_t max_text) {
  if (text.size() > max_text) return make_error(ErrorCode::too_large, "hex text is over its size limit");
  if (text.size() % 2 != 0) return make_error(ErrorCode::invalid_encoding, "hex has an odd number of digits");
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;  // uppercase is not canonical here
  };
  Bytes out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = digit(text[2 * i]);
    int lo = digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return make_error(ErrorCode::invalid_encoding, "not lowercase hex");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

Result<Bytes> hex_decode_exact(std::string_view text, size_t expected_size) {
  if (text.size() != expected_size * 2) {
    // Say "encoding" for junk, "length" for well-formed hex of the wrong size.
    auto probe = hex_decode(text, 4 * expected_size + 64);
    if (!probe.ok() && probe.code() == ErrorCode::invalid_encoding) return probe.error();
    return make_error(ErrorCode::invalid_length,
                      "expected " + std::to_string(expected_size) + " bytes of hex");
  }
  return hex_decode(text);
}

std::optional<Utf8Char> decode_utf8_char(std::string_view text, size_t pos) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  if (pos >= n) return std::nullopt;
  const unsigned char c = s[pos];
  if (c < 0x80) return Utf8Char{c, 1};
  size_t len;
  uint32_t cp;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return std::nullopt;  // continuation byte first, overlong lead (c0, c1) or > f4
  }
  if (pos + len > n) return std::nullopt;
  for (size_t k = 1; k < len; ++k) {
    if ((s[pos + k] & 0xc0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (s[pos + k] & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return std::nullopt;  // overlong
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return std::nullopt;        // surrogate, too big
  return Utf8Char{cp, len};
}

bool is_valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto ch = decode_utf8_char(text, i);
    if (!ch) return false;
    i += ch->length;
  }
  return true;
}

Status check_utf8(std::string_view text, std::string_view what) {
  if (!is_valid_utf8(text)) return make_error(ErrorCode::invalid_utf8, std::string(what) + " is not valid UTF-8");
  return ok_status();
}

}  // namespace idos
