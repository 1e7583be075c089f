// XRPL classic addresses ("r..."), from public keys and back to account ids.
//
// Spec: XRPL documentation, "Addresses" and "base58 Encodings" (xrpl.org), and its
// address_encoding code sample:
//   account id = RIPEMD160(SHA256(33-byte public key))
//   address    = base58_ripple(0x00 || account id || first 4 bytes of SHA256(SHA256(0x00 || account id)))
// A public key is 33 bytes: 0xED followed by the 32-byte ed25519 key, or a compressed secp256k1
// point (0x02 / 0x03 prefix; the point itself is not validated here).
// Built from ripemd160.hpp and base58.hpp (hand-written, see there) and libsodium's SHA-256.
//
// Decoding checks, in order: length (25..35 characters, the documented range), leading 'r',
// base58 (Ripple alphabet), decoded size (25 bytes), type prefix 0x00, checksum.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

inline constexpr size_t kXrplPublicKeySize = 33;
inline constexpr uint8_t kXrplEd25519KeyPrefix = 0xED;
inline constexpr uint8_t kXrplClassicAddressTypePrefix = 0x00;
inline constexpr size_t kXrplClassicAddressMinLength = 25;
inline constexpr size_t kXrplClassicAddressMaxLength = 35;
using XrplAccountId = std::array<uint8_t, 20>;

// RIPEMD160(SHA256(public key)). Errors: invalid_length (not 33 bytes), invalid_key (first byte
// is not 0xED, 0x02 or 0x03).
Result<XrplAccountId> xrpl_account_id_from_public_key(ByteView public_key_33);

// The classic address of a 33-byte public key. Errors: those of xrpl_account_id_from_public_key.
Result<std::string> xrpl_classic_address_from_public_key(ByteView public_key_33);

// The classic address of a raw 32-byte ed25519 public key (as libsodium makes them): the 0xED
// prefix is added here.
std::string xrpl_classic_address_from_ed25519_public_key(const std::array<uint8_t, 32>& ed25519_public_key);

std::string xrpl_classic_address_from_account_id(const XrplAccountId& account_id);

// Errors: invalid_length (length out of range, or not 25 bytes once decoded), invalid_encoding
// (no leading 'r', a character outside the Ripple alphabet, a type prefix other than 0x00),
// checksum_mismatch.
Result<XrplAccountId> xrpl_decode_classic_address(std::string_view address);

}  // namespace idos
