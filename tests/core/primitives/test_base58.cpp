// Base58 (Bitcoin and Ripple alphabets) against Bitcoin Core's published vectors.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "idos/primitives/base58.hpp"
#include "test_util.hpp"

using idos::Base58Alphabet;
using idos::Bytes;
using idos::ErrorCode;
using idos::test::unhex;

namespace {

// bitcoin/bitcoin src/test/data/base58_encode_decode.json (hex, base58), complete.
const std::pair<const char*, const char*> kBitcoinCoreVectors[] = {
    {"", ""},
    {"61", "2g"},
    {"626262", "a3gV"},
    {"636363", "aPEr"},
    {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
    {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
    {"516b6fcd0f", "ABnLTmg"},
    {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
    {"572e4794", "3EFU7m"},
    {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
    {"10c8511e", "Rt5zm"},
    {"00000000000000000000", "1111111111"},
    {"00000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "1111111111111111111111111111111111111111"},
    {"00000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "1111111111111111111111111111111111111112"},
    {"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000ec39d04c37e71e5d591881f6",
     "111111111111111111111111111111111111111111111111111111111111111111111111111111111111115TYzLYH1udmLdzCLM"},
    {"000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5",
     "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"},
    {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334"
     "35363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768"
     "696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c"
     "9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0"
     "d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     "1cWB5HCBdLjAuqGGReWE3R3CguuwSjw6RHn39s2yuDRTS5NsBgNiFpWgAnEx6VQi8csexkgYw3mdYrMHr8x9i7aEwP8kZ7vccXWqKDvGv3u1"
     "GxFKPuAkn8JCPPGDMf3vMMnbzm6Nh9zh1gcNsMvH3ZNLmP5fSG6DGbbi2tuwMWPthr4boWwCxf7ewSgNQeacyozhKDDQQ1qL5fQFUW52QKUZ"
     "DZ5fw3KXNQJMcNTcaB723LchjeKun7MuGW5qyCBZYzA1KjofN1gYBV3NqyhQJ3Ns746GNuf9N2pQPmHz4xpnSrrfCvy6TVVz5d4Pdrjesh"
     "sWQwpZsZGzvbdAdN8MKV5QsBDY"},
    {"271F359E", "zzzzy"},
    {"271F359F", "zzzzz"},
    {"271F35A0", "211111"},
    {"271F35A1", "211112"},
};

// The same number in the Ripple alphabet: digit i of the Bitcoin alphabet becomes digit i of the
// Ripple one (both are positional base 58; only the digit symbols differ).
std::string to_ripple_digits(const std::string& bitcoin_text) {
  auto from = idos::base58_alphabet_chars(Base58Alphabet::bitcoin);
  auto to = idos::base58_alphabet_chars(Base58Alphabet::ripple);
  std::string out;
  for (char c : bitcoin_text) out.push_back(to[from.find(c)]);
  return out;
}

}  // namespace

TEST_CASE("base58 round-trips Bitcoin Core's vectors", "[base58]") {
  for (const auto& [hex, text] : kBitcoinCoreVectors) {
    INFO("hex " << hex);
    Bytes bytes = unhex(hex);
    auto encoded = idos::base58_encode(bytes);
    REQUIRE(encoded.ok());
    CHECK(encoded.value() == text);
    auto decoded = idos::base58_decode(text);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == bytes);
  }
}

TEST_CASE("base58 with the Ripple alphabet", "[base58]") {
  CHECK(idos::base58_alphabet_chars(Base58Alphabet::ripple) ==
        "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz");
  for (const auto& [hex, text] : kBitcoinCoreVectors) {
    std::string ripple_text = to_ripple_digits(text);
    INFO("hex " << hex << " ripple " << ripple_text);
    Bytes bytes = unhex(hex);
    auto encoded = idos::base58_encode(bytes, Base58Alphabet::ripple);
    REQUIRE(encoded.ok());
    CHECK(encoded.value() == ripple_text);
    auto decoded = idos::base58_decode(ripple_text, Base58Alphabet::ripple);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == bytes);
  }
  // XRPL documentation, "Addresses", special addresses: ACCOUNT_ZERO is the address of account
  // id 0, so its 25 bytes are 21 zero bytes (type prefix + id) and a 4-byte checksum.
  auto zero = idos::base58_decode("rrrrrrrrrrrrrrrrrrrrrhoLvTp", Base58Alphabet::ripple);
  REQUIRE(zero.ok());
  REQUIRE(zero.value().size() == 25);
  for (size_t i = 0; i < 21; ++i) CHECK(zero.value()[i] == 0);
}

TEST_CASE("base58_encode_fixed matches base58_encode", "[base58]") {
  std::array<uint8_t, 4> data = {0x27, 0x1F, 0x35, 0xA1};  // Bitcoin Core vector "211112"
  CHECK(idos::base58_encode_fixed(data) == "211112");
  CHECK(idos::base58_encode_fixed(data, Base58Alphabet::ripple) == to_ripple_digits("211112"));
}

TEST_CASE("base58_decode rejects characters outside the alphabet", "[base58]") {
  // '0', 'O', 'I' and 'l' are in neither alphabet; Bitcoin Core's base58_tests.cpp also rejects
  // "invalid" (it contains 'l'). Unlike Bitcoin Core we do not skip surrounding whitespace.
  const char* bad[] = {"0", "O", "I", "l", "invalid", "3SEo3LWLoPntC ", " 3SEo3LWLoPntC", "3SEo3LW\nLoPntC",
                       "3SEo3LW-LoPntC", "3SEo3LWLoPntC=", "\xc3\xa9"};
  for (const char* text : bad) {
    INFO("text '" << text << "'");
    CHECK(idos::base58_decode(text).code() == ErrorCode::invalid_encoding);
    CHECK(idos::base58_decode(text, Base58Alphabet::ripple).code() == ErrorCode::invalid_encoding);
  }
  std::string with_nul("3SEo\0LWLoPntC", 13);
  CHECK(idos::base58_decode(with_nul).code() == ErrorCode::invalid_encoding);
  // Valid in one alphabet only: the Ripple alphabet has no '1'-as-zero, so "11" means 0x00 0x00
  // in Bitcoin but is the number 50*58+50 in Ripple; both decode, to different bytes.
  CHECK(idos::base58_decode("11").value() == Bytes{0, 0});
  CHECK(idos::base58_decode("11", Base58Alphabet::ripple).value() != Bytes{0, 0});
}

TEST_CASE("base58 enforces its size limits", "[base58]") {
  std::string at_limit(idos::kBase58MaxTextLength, '1');
  auto ok = idos::base58_decode(at_limit);
  REQUIRE(ok.ok());
  CHECK(ok.value() == Bytes(idos::kBase58MaxTextLength, 0));
  std::string over(idos::kBase58MaxTextLength + 1, '1');
  CHECK(idos::base58_decode(over).code() == ErrorCode::too_large);
  // The limit applies before any character is looked at.
  std::string over_junk(idos::kBase58MaxTextLength + 1, '0');
  CHECK(idos::base58_decode(over_junk).code() == ErrorCode::too_large);

  CHECK(idos::base58_encode(Bytes(idos::kBase58MaxBytes, 0xff)).ok());
  CHECK(idos::base58_encode(Bytes(idos::kBase58MaxBytes + 1, 0xff)).code() == ErrorCode::too_large);
  // The largest encodable input decodes again.
  auto big = idos::base58_encode(Bytes(idos::kBase58MaxBytes, 0xff));
  REQUIRE(big.ok());
  CHECK(big.value().size() <= idos::kBase58MaxTextLength);
  CHECK(idos::base58_decode(big.value()).value() == Bytes(idos::kBase58MaxBytes, 0xff));
}
