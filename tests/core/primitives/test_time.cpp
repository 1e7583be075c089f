#include <catch2/catch.hpp>

#include "idos/primitives/time.hpp"

using idos::ErrorCode;
using idos::format_rfc3339_utc;
using idos::parse_rfc3339_utc;

TEST_CASE("rfc3339: known instants round-trip", "[time]") {
  struct Known { const char* text; int64_t t; };
  const Known known[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2000-02-29T12:34:56Z", 951827696},
      {"2026-01-01T00:00:00Z", 1767225600},
      {"2038-01-19T03:14:08Z", 2147483648},
      {"2100-03-01T00:00:00Z", 4107542400},
      {"9999-12-31T23:59:59Z", 253402300799},
  };
  for (const auto& k : known) {
    INFO(k.text);
    auto t = parse_rfc3339_utc(k.text);
    REQUIRE(t.ok());
    CHECK(*t == k.t);
    auto s = format_rfc3339_utc(k.t);
    REQUIRE(s.ok());
    CHECK(*s == k.text);
  }
}

TEST_CASE("rfc3339: every day of 1970..2500 round-trips", "[time]") {
  for (int64_t t = 0; t < 16725225600; t += 86400 + 3661) {
    auto s = format_rfc3339_utc(t);
    REQUIRE(s.ok());
    auto back = parse_rfc3339_utc(*s);
    REQUIRE(back.ok());
    REQUIRE(*back == t);
  }
}

TEST_CASE("rfc3339: strict form only", "[time]") {
  CHECK(parse_rfc3339_utc("2026-01-01T00:00:00.000Z").code() == ErrorCode::invalid_length);
  CHECK(parse_rfc3339_utc("2026-01-01T00:00:00+00:00").code() == ErrorCode::invalid_length);
  CHECK(parse_rfc3339_utc("").code() == ErrorCode::invalid_length);
  const char* bad[] = {
      "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z", "2026-01-01 00:00:00Z", "2026/01/01T00:00:00Z",
      "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-02-29T00:00:00Z",
      "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z",
      "2026-12-31T23:59:60Z", "1969-12-31T23:59:59Z", "+026-01-01T00:00:00Z", "2026-01-01T0a:00:00Z",
      "2026-1-01T00:00:00ZZ",
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK(parse_rfc3339_utc(b).code() == ErrorCode::invalid_input);
  }
  CHECK(parse_rfc3339_utc("2000-02-29T00:00:00Z").ok());
  CHECK(parse_rfc3339_utc("2024-02-29T23:59:59Z").ok());
}

TEST_CASE("rfc3339: format range", "[time]") {
  CHECK(format_rfc3339_utc(-1).code() == ErrorCode::invalid_input);
  CHECK(format_rfc3339_utc(253402300800).code() == ErrorCode::invalid_input);
}
