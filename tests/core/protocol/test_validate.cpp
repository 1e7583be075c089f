// Runs tests/vectors/grants.json through validate_document: the same file the plugin and the JS
// package run.
#include <catch2/catch.hpp>

#include <string>

#include "idos/primitives/result.hpp"
#include "idos/protocol/validate.hpp"
#include "test_util.hpp"

TEST_CASE("grants.json: every case gets its expected verdict", "[validate][grant]") {
  const auto file = idos::test::read_vector_json("grants.json");
  const auto& cases = file.at("cases");
  REQUIRE(cases.size() > 100);
  size_t failures = 0;
  for (const auto& c : cases) {
    const std::string id = c.at("id").get<std::string>();
    const std::string text = c.contains("input_text") ? c.at("input_text").get<std::string>() : c.at("input").dump();
    auto status = idos::validate_document(c.at("kind").get<std::string>(), text, c.at("now").get<int64_t>(),
                                          c.at("seen_before").get<bool>());
    const std::string got = status.ok() ? "valid" : std::string(idos::error_code_name(status.code()));
    const std::string expected = c.at("expected").get<std::string>();
    if (got != expected) {
      ++failures;
      UNSCOPED_INFO(id << ": expected " << expected << ", got " << got
                       << (status.ok() ? "" : " (" + status.error().message + ")"));
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("validate_document: unknown kind and oversized input", "[validate]") {
  CHECK(idos::validate_document("nope", "{}", 0, false).code() == idos::ErrorCode::unsupported);
  CHECK(idos::validate_document("", "{}", 0, false).code() == idos::ErrorCode::unsupported);
  std::string big = "{\"x\":\"" + std::string(70 * 1024, 'a') + "\"}";
  CHECK(idos::validate_document("access_grant", big, 0, false).code() == idos::ErrorCode::too_large);
  CHECK(idos::validate_document("access_grant", "{\"a\":1} x", 0, false).code() == idos::ErrorCode::invalid_json);
  CHECK(idos::validate_document("access_grant", "\xff", 0, false).code() == idos::ErrorCode::invalid_utf8);
}
