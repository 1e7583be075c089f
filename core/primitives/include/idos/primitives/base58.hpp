// Base58 with a choice of alphabet: Bitcoin's (NEAR keys, did:key / multibase 'z') and Ripple's
// (XRPL addresses).
//
// Why hand-written: libsodium has no base58. Spec: the encoding of Bitcoin Core's base58.cpp as
// described by draft-msporny-base58 (IETF): the input is a big-endian number written in base 58,
// and each leading zero byte becomes one leading "zero digit" (alphabet[0]: '1' for Bitcoin, 'r'
// for Ripple). No checksum here: base58check-style formats add their own (see xrpl_address.hpp).
//
// Rules:
// - Empty input encodes to "" and "" decodes to no bytes (as in Bitcoin Core's vectors); formats
//   that need a non-empty value check the decoded length themselves.
// - Decoding accepts only alphabet characters: no whitespace, no other alphabet's letters.
// - Every byte string has exactly one spelling, by construction: leading zero digits map 1:1 to
//   leading zero bytes and the rest is a number without leading zeros, so there is nothing
//   non-canonical to reject.
// - Both directions are quadratic in the length, hence the limits below.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

enum class Base58Alphabet {
  bitcoin,  // 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz
  ripple,   // rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz
};

// Longest text base58_decode accepts (too_large beyond).
inline constexpr size_t kBase58MaxTextLength = 4096;
// Most bytes base58_encode accepts (too_large beyond). Its output, at most ~2,800 characters,
// always fits under kBase58MaxTextLength.
inline constexpr size_t kBase58MaxBytes = 2048;

std::string_view base58_alphabet_chars(Base58Alphabet alphabet);

Result<std::string> base58_encode(ByteView data, Base58Alphabet alphabet = Base58Alphabet::bitcoin);

// Errors: too_large (over kBase58MaxTextLength), invalid_encoding (a character outside the alphabet).
Result<Bytes> base58_decode(std::string_view text, Base58Alphabet alphabet = Base58Alphabet::bitcoin);

namespace detail {
// Encodes without the size check; only for inputs whose size is bounded at compile time.
std::string base58_encode_bounded(ByteView data, Base58Alphabet alphabet);
}  // namespace detail

// Encodes a fixed-size array (keys, addresses): the size is checked at compile time, so this
// cannot fail.
template <size_t N>
std::string base58_encode_fixed(const std::array<uint8_t, N>& data,
                                Base58Alphabet alphabet = Base58Alphabet::bitcoin) {
  static_assert(N <= kBase58MaxBytes, "over the base58 size limit");
  return detail::base58_encode_bounded(ByteView(data.data(), data.size()), alphabet);
}

}  // namespace idos
