// RFC 4648 base32 (section 6 alphabet A-Z 2-7), unpadded, as Stellar StrKeys use it.
//
// Why hand-written: libsodium has no base32. Spec: RFC 4648 sections 6 and 3.2 (padding omitted,
// as the spec allows when the length is known by other means).
//
// Decoding is strict, so each byte string has exactly one accepted spelling:
// - uppercase A-Z and 2-7 only: no lowercase, no '=' padding, no whitespace;
// - the length must not be 1, 3 or 6 mod 8 (no byte count encodes to those);
// - the unused low bits of the last character must be zero.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

// Longest text base32_decode_unpadded accepts (too_large beyond).
inline constexpr size_t kBase32MaxTextLength = 4096;

std::string base32_encode_unpadded(ByteView data);

// Errors: too_large, invalid_encoding (bad character, padding, impossible length, non-zero
// trailing bits).
Result<Bytes> base32_decode_unpadded(std::string_view text);

}  // namespace idos
