// Stellar StrKey (SEP-0023) for ed25519 public keys and the CRC16-XModem it uses; see strkey.hpp
// for why it is hand-written and the order of the decoding checks.
#include "idos/primitives/strkey.hpp"

#include "idos/primitives/base32.hpp"

namespace idos {
namespace {

constexpr size_t kPayloadBytes = 1 + 32;            // version byte + key
constexpr size_t kRawBytes = kPayloadBytes + 2;     // + CRC16, little-endian
static_assert((kRawBytes * 8 + 4) / 5 == kStrKeyEd25519PublicKeyLength);

std::string hex_byte(uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 0x0f];
}

}  // namespace

uint16_t crc16_xmodem(ByteView data) {
  uint16_t crc = 0;
  for (uint8_t byte : data) {
    crc = static_cast<uint16_t>(crc ^ (uint16_t{byte} << 8));
    for (int i = 0; i < 8; ++i) {
      crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
  }
  return crc;
}

std::string strkey_encode_ed25519_public_key(const StellarEd25519PublicKey& key) {
  std::array<uint8_t, kRawBytes> raw{};
  raw[0] = kStrKeyVersionEd25519PublicKey;
  for (size_t i = 0; i < key.size(); ++i) raw[1 + i] = key[i];
  uint16_t crc = crc16_xmodem(ByteView(raw.data(), kPayloadBytes));
  raw[kPayloadBytes] = static_cast<uint8_t>(crc & 0xff);
  raw[kPayloadBytes + 1] = static_cast<uint8_t>(crc >> 8);
  return base32_encode_unpadded(raw);
}

Result<StellarEd25519PublicKey> strkey_decode_ed25519_public_key(std::string_view strkey) {
  if (strkey.size() > kBase32MaxTextLength) {
    return make_error(ErrorCode::too_large, "StrKey text is over its size limit");
  }
  if (strkey.size() != kStrKeyEd25519PublicKeyLength) {
    return make_error(ErrorCode::invalid_length, "a Stellar ed25519 public key StrKey is 56 characters");
  }
  auto decoded = base32_decode_unpadded(strkey);
  if (!decoded.ok()) return make_error(decoded.code(), "StrKey: " + decoded.error().message);
  const Bytes& raw = decoded.value();
  if (raw.size() != kRawBytes) {  // cannot happen for 56 valid characters; kept as a guard
    return make_error(ErrorCode::invalid_length, "StrKey does not decode to 35 bytes");
  }

  uint16_t expected = crc16_xmodem(ByteView(raw.data(), kPayloadBytes));
  uint16_t stored = static_cast<uint16_t>(raw[kPayloadBytes] | raw[kPayloadBytes + 1] << 8);
  if (stored != expected) return make_error(ErrorCode::checksum_mismatch, "StrKey checksum (CRC16) does not match");

  if (raw[0] != kStrKeyVersionEd25519PublicKey) {
    return make_error(ErrorCode::invalid_encoding, "StrKey version byte " + hex_byte(raw[0]) +
                                                       " is not an ed25519 public key (0x30, 'G...')");
  }

  StellarEd25519PublicKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = raw[1 + i];
  if (strkey_encode_ed25519_public_key(key) != strkey) {
    return make_error(ErrorCode::invalid_encoding, "StrKey is not in canonical form");
  }
  return key;
}

}  // namespace idos
