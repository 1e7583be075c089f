// XRPL classic addresses; see xrpl_address.hpp for the derivation and the decoding checks.
#include "idos/primitives/xrpl_address.hpp"

#include <sodium.h>

#include <algorithm>

#include "idos/primitives/base58.hpp"
#include "idos/primitives/ripemd160.hpp"

namespace idos {
namespace {

constexpr size_t kPayloadBytes = 1 + 20;              // type prefix + account id
constexpr size_t kChecksumBytes = 4;
constexpr size_t kRawBytes = kPayloadBytes + kChecksumBytes;  // 25

using Sha256Out = std::array<uint8_t, crypto_hash_sha256_BYTES>;

// crypto_hash_sha256 does not depend on sodium_init() (no RNG, no CPU dispatch state).
Sha256Out sha256_of(ByteView data) {
  Sha256Out out{};
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

std::array<uint8_t, kChecksumBytes> checksum_of(ByteView payload) {
  Sha256Out once = sha256_of(payload);
  Sha256Out twice = sha256_of(once);
  std::array<uint8_t, kChecksumBytes> out{};
  std::copy_n(twice.begin(), kChecksumBytes, out.begin());
  return out;
}

}  // namespace

Result<XrplAccountId> xrpl_account_id_from_public_key(ByteView public_key_33) {
  if (public_key_33.size() != kXrplPublicKeySize) {
    return make_error(ErrorCode::invalid_length,
                      "an XRPL public key is 33 bytes (0xED || ed25519 key, or compressed secp256k1)");
  }
  uint8_t prefix = public_key_33[0];
  if (prefix != kXrplEd25519KeyPrefix && prefix != 0x02 && prefix != 0x03) {
    return make_error(ErrorCode::invalid_key, "an XRPL public key starts with 0xED, 0x02 or 0x03");
  }
  Sha256Out inner = sha256_of(public_key_33);
  return ripemd160(inner);
}

Result<std::string> xrpl_classic_address_from_public_key(ByteView public_key_33) {
  IDOS_TRY(XrplAccountId account_id, xrpl_account_id_from_public_key(public_key_33));
  return xrpl_classic_address_from_account_id(account_id);
}

std::string xrpl_classic_address_from_ed25519_public_key(const std::array<uint8_t, 32>& ed25519_public_key) {
  std::array<uint8_t, kXrplPublicKeySize> key{};
  key[0] = kXrplEd25519KeyPrefix;
  std::copy(ed25519_public_key.begin(), ed25519_public_key.end(), key.begin() + 1);
  Sha256Out inner = sha256_of(key);
  return xrpl_classic_address_from_account_id(ripemd160(inner));
}

std::string xrpl_classic_address_from_account_id(const XrplAccountId& account_id) {
  std::array<uint8_t, kRawBytes> raw{};
  raw[0] = kXrplClassicAddressTypePrefix;
  std::copy(account_id.begin(), account_id.end(), raw.begin() + 1);
  auto checksum = checksum_of(ByteView(raw.data(), kPayloadBytes));
  std::copy(checksum.begin(), checksum.end(), raw.begin() + kPayloadBytes);
  return base58_encode_fixed(raw, Base58Alphabet::ripple);
}

Result<XrplAccountId> xrpl_decode_classic_address(std::string_view address) {
  if (address.size() < kXrplClassicAddressMinLength || address.size() > kXrplClassicAddressMaxLength) {
    return make_error(ErrorCode::invalid_length, "an XRPL classic address is 25 to 35 characters");
  }
  if (address[0] != 'r') return make_error(ErrorCode::invalid_encoding, "an XRPL classic address starts with 'r'");
  auto decoded = base58_decode(address, Base58Alphabet::ripple);
  if (!decoded.ok()) return make_error(decoded.code(), "XRPL address: " + decoded.error().message);
  const Bytes& raw = decoded.value();
  if (raw.size() != kRawBytes) {
    return make_error(ErrorCode::invalid_length, "an XRPL classic address decodes to 25 bytes");
  }
  if (raw[0] != kXrplClassicAddressTypePrefix) {  // implied by the leading 'r'; kept explicit
    return make_error(ErrorCode::invalid_encoding, "XRPL classic address type prefix is not 0x00");
  }
  auto checksum = checksum_of(ByteView(raw.data(), kPayloadBytes));
  if (!std::equal(checksum.begin(), checksum.end(), raw.begin() + kPayloadBytes)) {
    return make_error(ErrorCode::checksum_mismatch, "XRPL classic address checksum does not match");
  }
  XrplAccountId account_id{};
  std::copy_n(raw.begin() + 1, account_id.size(), account_id.begin());
  return account_id;
}

}  // namespace idos
