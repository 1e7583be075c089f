// Stellar StrKey for ed25519 public keys ("G..." account ids), per SEP-0023.
//
// Why hand-written: libsodium has no base32 or CRC16, and StrKey is three lines on top of them.
// Spec: SEP-0023 "Strkeys" (stellar-protocol/ecosystem/sep-0023.md): version byte
// STRKEY_PUBKEY | STRKEY_ALG_ED25519 = 6 << 3, then the 32 key bytes, then the CRC16-XModem of
// those 33 bytes, little-endian; all of it in RFC 4648 base32 without padding (56 characters).
//
// Decoding, in order: length (exactly 56 characters), strict base32 (see base32.hpp), checksum,
// version byte, and a final re-encode that must give back the input (the SEP's canonical rule;
// the strict base32 decoder already guarantees it, the check keeps the rule visible).
// Other StrKey types (S... seeds, M... muxed accounts, C... contracts) are not handled here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

inline constexpr uint8_t kStrKeyVersionEd25519PublicKey = 6 << 3;  // 'G'
inline constexpr size_t kStrKeyEd25519PublicKeyLength = 56;        // characters
using StellarEd25519PublicKey = std::array<uint8_t, 32>;

// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR
// (check value of "123456789" is 0x31C3).
uint16_t crc16_xmodem(ByteView data);

std::string strkey_encode_ed25519_public_key(const StellarEd25519PublicKey& key);

// Errors: too_large (over kBase32MaxTextLength), invalid_length (not 56 characters),
// invalid_encoding (bad base32, or a version byte other than ed25519 public key),
// checksum_mismatch.
Result<StellarEd25519PublicKey> strkey_decode_ed25519_public_key(std::string_view strkey);

}  // namespace idos
