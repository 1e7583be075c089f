#include <catch2/catch.hpp>

#include <set>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/result.hpp"
#include "test_util.hpp"

using namespace idos;

TEST_CASE("base64 matches RFC 4648 section 10 vectors", "[encoding]") {
  // RFC 4648, section 10 (test vectors).
  const std::pair<const char*, const char*> cases[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : cases) {
    CHECK(base64_encode(as_bytes(plain)) == encoded);
    auto back = base64_decode(encoded);
    REQUIRE(back.ok());
    CHECK(as_text(*back) == plain);
  }
}

TEST_CASE("base64 decoding is strict", "[encoding]") {
  const char* rejects[] = {
      "Zg",        // missing padding
      "Zg=",       // short padding
      "Zg===",     // extra padding
      "Zh==",      // non-zero trailing bits (canonical is Zg==)
      "Zm9=",      // non-zero trailing bits (canonical is Zm8=)
      "Zm9v\n",    // whitespace
      " Zm9v",     // leading whitespace
      "Zm-v",      // URL-safe alphabet
      "Zm_v",      // URL-safe alphabet
      "Zm9v====",  // padding block
      "=Zm9",      // padding first
      "Zg==Zg==",  // data after padding
  };
  for (const char* text : rejects) {
    INFO(text);
    auto r = base64_decode(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::invalid_encoding);
  }
  CHECK(base64_decode("Zm9vYmFy", 4).code() == ErrorCode::too_large);
}

TEST_CASE("hex is lowercase out and strict in", "[encoding]") {
  const uint8_t bytes[] = {0x00, 0x01, 0xab, 0xff};
  CHECK(hex_encode(bytes) == "0001abff");
  auto back = hex_decode("0001abff");
  REQUIRE(back.ok());
  CHECK(*back == Bytes(std::begin(bytes), std::end(bytes)));
  CHECK(hex_decode("0001ABFF").code() == ErrorCode::invalid_encoding);
  CHECK(hex_decode("abc").code() == ErrorCode::invalid_encoding);
  CHECK(hex_decode("0x00").code() == ErrorCode::invalid_encoding);
  CHECK(hex_decode("zz").code() == ErrorCode::invalid_encoding);
  CHECK(hex_decode("0000", 2).code() == ErrorCode::too_large);
  CHECK(hex_decode_exact("0001", 3).code() == ErrorCode::invalid_length);
  CHECK(hex_decode_exact("00zz", 3).code() == ErrorCode::invalid_encoding);
  CHECK(hex_decode_exact("000102", 3).ok());
  CHECK(hex_decode("").ok());
}

TEST_CASE("UTF-8 validation follows RFC 3629", "[encoding]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xc3\xa9t\xc3\xa9"));              // été
  CHECK(is_valid_utf8("\xe2\x82\xac"));                   // €
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));               // 😀
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));               // U+10FFFF
  CHECK_FALSE(is_valid_utf8("\x80"));                     // lone continuation
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));                 // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));             // overlong 3-byte
  CHECK_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));         // overlong 4-byte
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));             // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));         // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));                 // truncated
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK(check_utf8("\xff", "name").code() == ErrorCode::invalid_utf8);
}

TEST_CASE("SHA-256 and SHA-512 match FIPS 180-2 examples", "[hash]") {
  // FIPS 180-2, appendix B.1 and C.1 ("abc").
  CHECK(hex_encode(sha256(as_bytes("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex_encode(sha512(as_bytes("abc"))) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
        "454d4423643ce80e2a9ac94fa54ca49f");
  CHECK(content_hash(as_bytes("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("every error code has a stable distinct name", "[result]") {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(kLastErrorCode); ++i) {
    auto name = error_code_name(static_cast<ErrorCode>(i));
    CHECK(names.insert(name).second);
  }
  // The stable spellings the C ABI and JS rely on, at both ends of the table.
  CHECK(error_code_name(ErrorCode::ok) == "OK");
  CHECK(error_code_name(kLastErrorCode) == "UNAVAILABLE");
  CHECK(static_cast<int>(kLastErrorCode) == 22);
  CHECK(error_code_name(ErrorCode::invalid_encoding) == "INVALID_ENCODING");
  CHECK(static_cast<int>(ErrorCode::replayed) == 16);
}
