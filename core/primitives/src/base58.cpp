// Base58 (Bitcoin and Ripple alphabets), written from the description in draft-msporny-base58;
// see base58.hpp for why it is hand-written and the rules it enforces.
#include "idos/primitives/base58.hpp"

#include <cstdint>
#include <vector>

namespace idos {
namespace {

constexpr std::string_view kBitcoinAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kRippleAlphabet = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";
static_assert(kBitcoinAlphabet.size() == 58 && kRippleAlphabet.size() == 58);

using DecodeTable = std::array<int8_t, 128>;  // ASCII -> digit, -1 if not in the alphabet

constexpr DecodeTable make_decode_table(std::string_view alphabet) {
  DecodeTable table{};
  for (auto& v : table) v = -1;
  for (size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}

constexpr DecodeTable kBitcoinTable = make_decode_table(kBitcoinAlphabet);
constexpr DecodeTable kRippleTable = make_decode_table(kRippleAlphabet);

const DecodeTable& decode_table(Base58Alphabet alphabet) {
  return alphabet == Base58Alphabet::ripple ? kRippleTable : kBitcoinTable;
}

}  // namespace

std::string_view base58_alphabet_chars(Base58Alphabet alphabet) {
  return alphabet == Base58Alphabet::ripple ? kRippleAlphabet : kBitcoinAlphabet;
}

namespace detail {

std::string base58_encode_bounded(ByteView data, Base58Alphabet alphabet) {
  const std::string_view chars = base58_alphabet_chars(alphabet);
  size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;

  // Base-58 digits of the remaining big-endian number, least significant first:
  // for each input byte, digits = digits * 256 + byte.
  std::vector<uint8_t> digits;
  digits.reserve((data.size() - zeros) * 138 / 100 + 1);  // log(256) / log(58) < 1.38
  for (size_t i = zeros; i < data.size(); ++i) {
    uint32_t carry = data[i];
    for (auto& d : digits) {
      carry += uint32_t{d} << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }

  std::string out(zeros, chars[0]);
  out.reserve(zeros + digits.size());
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(chars[*it]);
  return out;
}

}  // namespace detail

Result<std::string> base58_encode(ByteView data, Base58Alphabet alphabet) {
  if (data.size() > kBase58MaxBytes) {
    return make_error(ErrorCode::too_large, "base58 input is over its 2048-byte limit");
  }
  return detail::base58_encode_bounded(data, alphabet);
}

Result<Bytes> base58_decode(std::string_view text, Base58Alphabet alphabet) {
  if (text.size() > kBase58MaxTextLength) {
    return make_error(ErrorCode::too_large, "base58 text is over its 4096-character limit");
  }
  const DecodeTable& table = decode_table(alphabet);
  const char zero_digit = base58_alphabet_chars(alphabet)[0];

  size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == zero_digit) ++zeros;

  // Bytes of the remaining base-58 number, least significant first: bytes = bytes * 58 + digit.
  std::vector<uint8_t> bytes;
  bytes.reserve((text.size() - zeros) * 733 / 1000 + 1);  // log(58) / log(256) < 0.733
  for (size_t i = zeros; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    int digit = c < table.size() ? table[c] : -1;
    if (digit < 0) {
      return make_error(ErrorCode::invalid_encoding,
                        std::string("character outside the base58 ") +
                            (alphabet == Base58Alphabet::ripple ? "Ripple" : "Bitcoin") + " alphabet");
    }
    uint32_t carry = static_cast<uint32_t>(digit);
    for (auto& b : bytes) {
      carry += uint32_t{b} * 58;
      b = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }

  Bytes out(zeros, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

}  // namespace idos
