// Runs tests/vectors/protocol.json through signed_message, replay_key and derive_access_grant: the
// same file the plugin's C test and the JS package run. Each case expects the exact output (text,
// {key, keep_until}, canonical grant JSON) or an error code name.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "idos/primitives/result.hpp"
#include "idos/protocol/validate.hpp"
#include "test_util.hpp"

namespace {

using Json = nlohmann::json;

std::string input_text(const Json& c) {
  return c.contains("input_text") ? c.at("input_text").get<std::string>() : c.at("input").dump();
}

template <typename T>
std::string failure(const idos::Result<T>& r) {
  return std::string(idos::error_code_name(r.code())) + " (" + r.error().message + ")";
}

// Runs every case of `op`; returns how many disagree with the file (each one is reported).
size_t run_op(const Json& cases, const std::string& op, size_t& ran) {
  size_t failures = 0;
  for (const auto& c : cases) {
    if (c.at("op").get<std::string>() != op) continue;
    ++ran;
    const std::string id = c.at("id").get<std::string>();
    const std::string kind = c.at("kind").get<std::string>();
    const std::string text = input_text(c);
    const Json& expected = c.at("expected");
    std::string got;
    bool pass = false;
    if (op == "replay_key") {
      auto r = idos::replay_key(kind, text);
      if (!r.ok()) {
        got = failure(r);
        pass = expected.is_string() && expected.get<std::string>() == idos::error_code_name(r.code());
      } else {
        got = "{" + r->key + ", " + std::to_string(r->keep_until) + "}";
        pass = expected.is_object() && expected.at("key").get<std::string>() == r->key &&
               expected.at("keep_until").get<int64_t>() == r->keep_until;
      }
    } else {
      auto r = op == "signed_message" ? idos::signed_message(kind, text) : idos::derive_access_grant(kind, text);
      if (!r.ok()) {
        got = failure(r);
        pass = expected.get<std::string>() == idos::error_code_name(r.code());
      } else {
        got = *r;
        pass = expected.get<std::string>() == *r;
      }
    }
    if (!pass) {
      ++failures;
      UNSCOPED_INFO(id << ": expected " << expected.dump() << ", got " << got);
    }
  }
  return failures;
}

const Json& protocol_cases() {
  static const Json file = idos::test::read_vector_json("protocol.json");
  return file.at("cases");
}

}  // namespace

TEST_CASE("protocol.json: signed_message gives the exact text or the error", "[protocol][vectors]") {
  size_t ran = 0;
  CHECK(run_op(protocol_cases(), "signed_message", ran) == 0);
  CHECK(ran > 40);
}

TEST_CASE("protocol.json: replay_key gives the key and keep_until or the error", "[protocol][vectors]") {
  size_t ran = 0;
  CHECK(run_op(protocol_cases(), "replay_key", ran) == 0);
  CHECK(ran > 25);
}

TEST_CASE("protocol.json: derive_access_grant gives the canonical grant or the error", "[protocol][vectors]") {
  size_t ran = 0;
  CHECK(run_op(protocol_cases(), "derive_access_grant", ran) == 0);
  CHECK(ran > 40);
}

// Nothing in the file is skipped: every case names one of the three ops, and the per-op counts of
// the header add up to the cases present.
TEST_CASE("protocol.json: every case belongs to a known op", "[protocol][vectors]") {
  const Json file = idos::test::read_vector_json("protocol.json");
  std::map<std::string, size_t> seen;
  for (const auto& c : file.at("cases")) {
    const std::string op = c.at("op").get<std::string>();
    INFO(c.at("id").get<std::string>());
    CHECK((op == "signed_message" || op == "replay_key" || op == "derive_access_grant"));
    CHECK((c.contains("input") != c.contains("input_text")));
    ++seen[op];
  }
  size_t total = 0;
  for (const auto& [op, kinds] : file.at("counts").items()) {
    size_t n = 0;
    for (const auto& [kind, count] : kinds.items()) n += count.get<size_t>();
    CHECK(seen[op] == n);
    total += n;
  }
  CHECK(total == file.at("cases").size());
}
