// UUID text handling and versions 4 and 5 (RFC 9562), with SHA-1 written from FIPS 180-4
// section 6.1 because libsodium has none (see uuid.hpp).
#include "idos/primitives/uuid.hpp"

#include <cstring>

namespace idos {
namespace {

constexpr size_t kSha1BlockBytes = 64;

constexpr uint32_t rotl(uint32_t v, unsigned n) { return (v << n) | (v >> (32 - n)); }

void sha1_compress(std::array<uint32_t, 5>& h, const uint8_t* block) {
  uint32_t w[80];
  for (size_t t = 0; t < 16; ++t) {
    w[t] = uint32_t{block[4 * t]} << 24 | uint32_t{block[4 * t + 1]} << 16 | uint32_t{block[4 * t + 2]} << 8 |
           uint32_t{block[4 * t + 3]};
  }
  for (size_t t = 16; t < 80; ++t) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (size_t t = 0; t < 80; ++t) {
    uint32_t f = 0;
    uint32_t k = 0;
    if (t < 20) {
      f = (b & c) ^ (~b & d);  // Ch
      k = 0x5A827999u;
    } else if (t < 40) {
      f = b ^ c ^ d;  // Parity
      k = 0x6ED9EBA1u;
    } else if (t < 60) {
      f = (b & c) ^ (b & d) ^ (c & d);  // Maj
      k = 0x8F1BBCDCu;
    } else {
      f = b ^ c ^ d;  // Parity
      k = 0xCA62C1D6u;
    }
    uint32_t temp = rotl(a, 5) + f + e + k + w[t];
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = temp;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase is deliberately not canonical
}

bool is_hyphen_position(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

// Overwrites the version nibble and the two variant bits (RFC 9562 sections 4.1 and 4.2).
void set_version_and_variant(UuidBytes& uuid, uint8_t version) {
  uuid[6] = static_cast<uint8_t>((uuid[6] & 0x0f) | (version << 4));
  uuid[8] = static_cast<uint8_t>((uuid[8] & 0x3f) | 0x80);
}

}  // namespace

Sha1Digest sha1(ByteView data) {
  std::array<uint32_t, 5> h = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  size_t offset = 0;
  while (data.size() - offset >= kSha1BlockBytes) {
    sha1_compress(h, data.data() + offset);
    offset += kSha1BlockBytes;
  }
  // Padding (FIPS 180-4 section 5.1.1): 0x80, zeros, 64-bit big-endian bit length.
  uint8_t tail[2 * kSha1BlockBytes] = {};
  size_t rest = data.size() - offset;
  if (rest > 0) std::memcpy(tail, data.data() + offset, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 9 <= kSha1BlockBytes ? kSha1BlockBytes : 2 * kSha1BlockBytes;
  uint64_t bit_len = static_cast<uint64_t>(data.size()) * 8;
  for (size_t k = 0; k < 8; ++k) tail[tail_len - 1 - k] = static_cast<uint8_t>(bit_len >> (8 * k));
  for (size_t off = 0; off < tail_len; off += kSha1BlockBytes) sha1_compress(h, tail + off);

  Sha1Digest out{};
  for (size_t i = 0; i < 5; ++i) {
    for (size_t k = 0; k < 4; ++k) out[4 * i + k] = static_cast<uint8_t>(h[i] >> (24 - 8 * k));
  }
  return out;
}

Result<UuidBytes> parse_uuid(std::string_view text) {
  if (text.size() != kUuidTextLength) {
    return make_error(ErrorCode::invalid_length, "a UUID is 36 characters (8-4-4-4-12)");
  }
  UuidBytes out{};
  size_t nibble = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (is_hyphen_position(i)) {
      if (text[i] != '-') return make_error(ErrorCode::invalid_encoding, "UUID hyphens must be at 8-4-4-4-12");
      continue;
    }
    int v = hex_value(text[i]);
    if (v < 0) return make_error(ErrorCode::invalid_encoding, "UUID digits must be lowercase hex (0-9, a-f)");
    out[nibble / 2] = static_cast<uint8_t>(out[nibble / 2] | (nibble % 2 == 0 ? v << 4 : v));
    ++nibble;
  }
  return out;
}

bool is_canonical_uuid(std::string_view text) { return parse_uuid(text).ok(); }

std::string format_uuid(const UuidBytes& uuid) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(kUuidTextLength);
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kDigits[uuid[i] >> 4]);
    out.push_back(kDigits[uuid[i] & 0x0f]);
  }
  return out;
}

uint8_t uuid_version(const UuidBytes& uuid) { return static_cast<uint8_t>(uuid[6] >> 4); }

bool uuid_has_rfc_variant(const UuidBytes& uuid) { return (uuid[8] & 0xc0) == 0x80; }

UuidBytes uuid_v5_bytes(const UuidBytes& namespace_uuid, ByteView name) {
  Bytes input;
  input.reserve(namespace_uuid.size() + name.size());
  input.insert(input.end(), namespace_uuid.begin(), namespace_uuid.end());
  input.insert(input.end(), name.begin(), name.end());
  Sha1Digest digest = sha1(input);
  UuidBytes out{};
  std::memcpy(out.data(), digest.data(), out.size());
  set_version_and_variant(out, 5);
  return out;
}

Result<std::string> uuid_v5(std::string_view namespace_uuid_text, std::string_view name) {
  if (name.size() > kUuidV5MaxNameBytes) {
    return make_error(ErrorCode::too_large, "UUIDv5 name is over its 64 KiB limit");
  }
  auto ns = parse_uuid(namespace_uuid_text);
  if (!ns.ok()) return make_error(ns.code(), "UUIDv5 namespace: " + ns.error().message);
  return format_uuid(uuid_v5_bytes(ns.value(), as_bytes(name)));
}

std::string uuid_v4_from_random(const UuidBytes& random_bytes) {
  UuidBytes out = random_bytes;
  set_version_and_variant(out, 4);
  return format_uuid(out);
}

}  // namespace idos
