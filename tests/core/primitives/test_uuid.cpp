// SHA-1 and UUID parsing / v4 / v5 against published vectors.
#include <catch2/catch.hpp>

#include <string>

#include "idos/primitives/uuid.hpp"
#include "test_util.hpp"

using idos::Bytes;
using idos::ErrorCode;
using idos::test::unhex;

namespace {

Bytes sha1_of(const std::string& text) {
  auto d = idos::sha1(idos::as_bytes(text));
  return Bytes(d.begin(), d.end());
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("sha1 matches the FIPS 180 / RFC 3174 examples", "[uuid][sha1]") {
  // FIPS 180-2 appendix A examples, also RFC 3174 section 7.3 TEST1..TEST4.
  CHECK(sha1_of("abc") == unhex("a9993e364706816aba3e25717850c26c9cd0d89d"));
  CHECK(sha1_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        unhex("84983e441c3bd26ebaae4aa1f95129e5e54670f1"));
  CHECK(sha1_of(std::string(1000000, 'a')) == unhex("34aa973cd4c4daa4f61eeb2bdbad27316534016f"));
  // RFC 3174 TEST4: "01234567" * 8 (exactly one block) repeated 10 times.
  CHECK(sha1_of(repeat("0123456701234567012345670123456701234567012345670123456701234567", 10)) ==
        unhex("dea356a2cddd90c7a7ecedc5ebb563934f460452"));
}

TEST_CASE("uuid_v5 matches published examples", "[uuid]") {
  // RFC 9562 appendix A.4: DNS namespace, name "www.example.com".
  auto rfc = idos::uuid_v5(idos::kUuidNamespaceDns, "www.example.com");
  REQUIRE(rfc.ok());
  CHECK(rfc.value() == "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  // Python documentation, uuid module examples: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org').
  auto py = idos::uuid_v5(idos::kUuidNamespaceDns, "python.org");
  REQUIRE(py.ok());
  CHECK(py.value() == "886313e1-3b8a-5372-9b90-0c9aee199e5d");

  auto parsed = idos::parse_uuid(rfc.value());
  REQUIRE(parsed.ok());
  CHECK(idos::uuid_version(parsed.value()) == 5);
  CHECK(idos::uuid_has_rfc_variant(parsed.value()));
}

TEST_CASE("uuid_v5 rejects a bad namespace and an oversized name", "[uuid]") {
  CHECK(idos::uuid_v5("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "x").code() == ErrorCode::invalid_encoding);
  CHECK(idos::uuid_v5("6ba7b8109dad11d180b400c04fd430c8", "x").code() == ErrorCode::invalid_length);
  std::string big(idos::kUuidV5MaxNameBytes + 1, 'n');
  CHECK(idos::uuid_v5(idos::kUuidNamespaceDns, big).code() == ErrorCode::too_large);
  std::string at_limit(idos::kUuidV5MaxNameBytes, 'n');
  CHECK(idos::uuid_v5(idos::kUuidNamespaceDns, at_limit).ok());
}

TEST_CASE("uuid_v4_from_random sets version 4 and the RFC variant", "[uuid]") {
  // RFC 9562 appendix A.3 example v4 UUID: its version and variant bits are already set, so
  // feeding its bytes back as the "random" input must return it unchanged.
  auto example = idos::parse_uuid("919108f7-52d1-4320-9bac-f847db4148a8");
  REQUIRE(example.ok());
  CHECK(idos::uuid_v4_from_random(example.value()) == "919108f7-52d1-4320-9bac-f847db4148a8");

  // All-zero and all-one inputs: only the version nibble (0100) and variant bits (10) change,
  // worked out by hand from RFC 9562 sections 4.1, 4.2 and 5.4.
  idos::UuidBytes zeros{};
  CHECK(idos::uuid_v4_from_random(zeros) == "00000000-0000-4000-8000-000000000000");
  idos::UuidBytes ones{};
  ones.fill(0xff);
  CHECK(idos::uuid_v4_from_random(ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

TEST_CASE("parse_uuid accepts only the canonical lowercase form", "[uuid]") {
  // RFC 9562 sections 5.9 and 5.10: the Nil and Max UUIDs.
  auto nil = idos::parse_uuid("00000000-0000-0000-0000-000000000000");
  REQUIRE(nil.ok());
  CHECK(nil.value() == idos::UuidBytes{});
  auto max = idos::parse_uuid("ffffffff-ffff-ffff-ffff-ffffffffffff");
  REQUIRE(max.ok());
  for (auto b : max.value()) CHECK(b == 0xff);

  // The DNS namespace id (RFC 9562 section 6.6) is a version 1 UUID.
  auto dns = idos::parse_uuid(idos::kUuidNamespaceDns);
  REQUIRE(dns.ok());
  CHECK(Bytes(dns.value().begin(), dns.value().end()) == unhex("6ba7b8109dad11d180b400c04fd430c8"));
  CHECK(idos::uuid_version(dns.value()) == 1);
  CHECK(idos::format_uuid(dns.value()) == idos::kUuidNamespaceDns);

  CHECK(idos::is_canonical_uuid("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
  CHECK_FALSE(idos::is_canonical_uuid("2ED6657D-E927-568B-95E1-2665A8AEA6A2"));

  struct Bad {
    const char* text;
    ErrorCode code;
  };
  const Bad bad[] = {
      {"", ErrorCode::invalid_length},
      {"2ed6657d-e927-568b-95e1-2665a8aea6a", ErrorCode::invalid_length},                // 35 chars
      {"2ed6657d-e927-568b-95e1-2665a8aea6a2a", ErrorCode::invalid_length},              // 37 chars
      {"{2ed6657d-e927-568b-95e1-2665a8aea6a2}", ErrorCode::invalid_length},             // braces
      {"urn:uuid:2ed6657d-e927-568b-95e1-2665a8aea6a2", ErrorCode::invalid_length},      // URN
      {"2ed6657de927568b95e12665a8aea6a2", ErrorCode::invalid_length},                   // no hyphens
      {"2ED6657D-E927-568B-95E1-2665A8AEA6A2", ErrorCode::invalid_encoding},             // uppercase
      {"2ed6657d-e927-568b-95e1-2665a8aeA6a2", ErrorCode::invalid_encoding},             // one uppercase
      {"2ed6657de-927-568b-95e1-2665a8aea6a2", ErrorCode::invalid_encoding},             // hyphen moved
      {"2ed6657d-e927-568b-95e1-2665a8aea6g2", ErrorCode::invalid_encoding},             // not hex
      {"2ed6657d-e927-568b-95e1+2665a8aea6a2", ErrorCode::invalid_encoding},             // wrong separator
      {" 2ed6657d-e927-568b-95e1-2665a8aea6a", ErrorCode::invalid_encoding},             // whitespace
  };
  for (const auto& b : bad) {
    INFO("text: '" << b.text << "'");
    auto r = idos::parse_uuid(b.text);
    CHECK(r.code() == b.code);
    CHECK_FALSE(idos::is_canonical_uuid(b.text));
  }
  // An embedded NUL is not a hex digit.
  std::string with_nul = "2ed6657d-e927-568b-95e1-2665a8aea6a2";
  with_nul[3] = '\0';
  CHECK(idos::parse_uuid(with_nul).code() == ErrorCode::invalid_encoding);
}
