// RFC 4648 base32, CRC16-XModem and Stellar StrKey (SEP-0023) against published vectors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>

#include "idos/primitives/base32.hpp"
#include "idos/primitives/strkey.hpp"
#include "test_util.hpp"

using idos::Bytes;
using idos::ErrorCode;
using idos::test::unhex;

namespace {

idos::StellarEd25519PublicKey key_from_hex(const std::string& hex) {
  Bytes b = unhex(hex);
  idos::StellarEd25519PublicKey key{};
  REQUIRE(b.size() == key.size());
  std::copy(b.begin(), b.end(), key.begin());
  return key;
}

}  // namespace

TEST_CASE("base32 matches the RFC 4648 section 10 vectors, unpadded", "[strkey][base32]") {
  // RFC 4648 section 10 (BASE32 of "", "f", ... "foobar"), with the '=' padding removed.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},          {"f", "MY"},          {"fo", "MZXQ"},          {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    INFO("plain '" << plain << "'");
    CHECK(idos::base32_encode_unpadded(idos::as_bytes(plain)) == encoded);
    auto decoded = idos::base32_decode_unpadded(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == idos::to_bytes(plain));
  }
}

TEST_CASE("base32 decoding is strict", "[strkey][base32]") {
  struct Bad {
    std::string text;
    const char* why;
  };
  const Bad bad[] = {
      {"MY======", "padding"},
      {"MZXW6YQ=", "padding"},
      {"my", "lowercase"},
      {"MzXQ", "one lowercase letter"},
      {"M", "length 1 mod 8"},
      {"MZX", "length 3 mod 8"},
      {"MZXW6Y", "length 6 mod 8"},
      {"MZ", "non-zero trailing bits ('f' is MY)"},
      {"MZXR", "non-zero trailing bits ('fo' is MZXQ)"},
      {"M1", "'1' is not in the alphabet"},
      {"M8", "'8' is not in the alphabet"},
      {"M0", "'0' is not in the alphabet"},
      {"MY ", "whitespace"},
      {"MZ\nXQ", "newline"},
  };
  for (const auto& b : bad) {
    INFO(b.why << ": '" << b.text << "'");
    CHECK(idos::base32_decode_unpadded(b.text).code() == ErrorCode::invalid_encoding);
  }
  CHECK(idos::base32_decode_unpadded(std::string(idos::kBase32MaxTextLength, 'A')).ok());
  CHECK(idos::base32_decode_unpadded(std::string(idos::kBase32MaxTextLength + 1, 'A')).code() ==
        ErrorCode::too_large);
}

TEST_CASE("crc16_xmodem matches the catalogue check value", "[strkey]") {
  // CRC RevEng catalogue, CRC-16/XMODEM: width 16, poly 0x1021, init 0, check("123456789") = 0x31c3.
  CHECK(idos::crc16_xmodem(idos::as_bytes("123456789")) == 0x31C3);
  CHECK(idos::crc16_xmodem(idos::as_bytes("")) == 0x0000);
}

TEST_CASE("StrKey ed25519 public keys: published valid examples", "[strkey]") {
  const std::pair<const char*, const char*> vectors[] = {
      // SEP-0023, "Valid test cases": valid non-multiplexed account.
      {"GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ",
       "3f0c34bf93ad0d9971d04ccc90f705511c838aad9734a4a2fb0d7a03fc7fe89a"},
      // stellar/go strkey tests (TestDecode, "AccountID").
      {"GA3D5KRYM6CB7OWQ6TWYRR3Z4T7GNZLKERYNZGGA5SOAOPIFY6YQHES5",
       "363eaa3867841fbad0f4ed88c779e4fe66e56a2470dc98c0ec9c073d05c7b103"},
      // stellar/rs-stellar-strkey documentation: the all-zero ed25519 public key.
      {"GAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAWHF",
       "0000000000000000000000000000000000000000000000000000000000000000"},
  };
  for (const auto& [strkey, hex] : vectors) {
    INFO("strkey " << strkey);
    auto key = key_from_hex(hex);
    CHECK(idos::strkey_encode_ed25519_public_key(key) == strkey);
    auto decoded = idos::strkey_decode_ed25519_public_key(strkey);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == key);
  }
}

TEST_CASE("StrKey: SEP-0023 invalid test cases are all rejected", "[strkey]") {
  // SEP-0023, "Invalid test cases" (the array the SEP gives for unit tests). Most are M/P/B
  // types this decoder does not accept at all; the G ones are checked for their specific code.
  const char* invalid[] = {
      "GAAAAAAAACGC6",
      "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUR",
      "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZA",
      "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUACUSI",
      "G47QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVP2I",
      "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAJLKA",
      "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAAV75I",
      "M47QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUQ",
      "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUK===",
      "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUO",
      "PA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAQACAQDAQCQMBYIBEFAWDANBYHRAEISCMKBKFQXDAMRUGY4DUPB6IAAAAAAAAPM",
      "PA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAOQCAQDAQCQMBYIBEFAWDANBYHRAEISCMKBKFQXDAMRUGY4Z2PQ",
      "PA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAOQCAQDAQCQMBYIBEFAWDANBYHRAEISCMKBKFQXDAMRUGY4DXFH6",
      "BAAD6DBUX6J22DMZOHIEZTEQ64CVCHEDRKWZONFEUL5Q26QD7R76RGR4TV",
      "BAAT6DBUX6J22DMZOHIEZTEQ64CVCHEDRKWZONFEUL5Q26QD7R76RGXACA",
  };
  for (const char* s : invalid) {
    INFO("strkey " << s);
    CHECK_FALSE(idos::strkey_decode_ed25519_public_key(s).ok());
  }
  // "Invalid length (Ed25519 should be 32 bytes, not 5)", "congruent to 1 mod 8", "should yield
  // 35 bytes, not 36": all the wrong number of characters.
  CHECK(idos::strkey_decode_ed25519_public_key("GAAAAAAAACGC6").code() == ErrorCode::invalid_length);
  CHECK(idos::strkey_decode_ed25519_public_key("GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZA").code() ==
        ErrorCode::invalid_length);
  CHECK(idos::strkey_decode_ed25519_public_key("GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUACUSI").code() ==
        ErrorCode::invalid_length);
  // "Invalid algorithm (low 3 bits of version byte are 7)": well-formed, wrong version byte.
  CHECK(idos::strkey_decode_ed25519_public_key("G47QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVP2I").code() ==
        ErrorCode::invalid_encoding);
}

TEST_CASE("StrKey: other key types are not ed25519 public keys", "[strkey]") {
  // SEP-0023 valid contract and liquidity pool ids, and the stellar/go seed vector: valid StrKeys
  // of 56 characters with a checksum that matches, but another version byte.
  const char* others[] = {
      "CA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUWDA",
      "LA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUPJN",
      "SBU2RRGLXH3E5CQHTD3ODLDF2BWDCYUSSBLLZ5GNW7JXHDIYKXZWHOKR",
  };
  for (const char* s : others) {
    INFO("strkey " << s);
    CHECK(idos::strkey_decode_ed25519_public_key(s).code() == ErrorCode::invalid_encoding);
  }
}

TEST_CASE("StrKey: checksum, case and size errors", "[strkey]") {
  const std::string valid = "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ";
  // One changed symbol flips at most 5 adjacent bits, a burst CRC-16 always detects.
  for (size_t pos : {size_t{1}, size_t{10}, size_t{30}, size_t{52}, size_t{55}}) {
    std::string typo = valid;
    typo[pos] = typo[pos] == 'A' ? 'B' : 'A';
    INFO("typo at " << pos << ": " << typo);
    CHECK(idos::strkey_decode_ed25519_public_key(typo).code() == ErrorCode::checksum_mismatch);
  }
  std::string lower = valid;
  for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  CHECK(idos::strkey_decode_ed25519_public_key(lower).code() == ErrorCode::invalid_encoding);
  CHECK(idos::strkey_decode_ed25519_public_key("").code() == ErrorCode::invalid_length);
  CHECK(idos::strkey_decode_ed25519_public_key(std::string(idos::kBase32MaxTextLength + 1, 'G')).code() ==
        ErrorCode::too_large);
}
