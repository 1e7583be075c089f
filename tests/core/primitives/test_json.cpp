// parse_json's MUST-reject rules and the typed field accessors.
#include <catch2/catch.hpp>

#include <string>

#include "idos/primitives/json_dom.hpp"

using idos::ErrorCode;
using idos::JsonLimits;
using idos::parse_json;
using nlohmann::json;

namespace {

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

bool message_has(const idos::Error& e, const std::string& part) { return e.message.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("parse_json accepts RFC 8259 JSON of every kind", "[json]") {
  auto doc = parse_json(R"({"s":"x\u00e9\ud83d\ude00","i":-12,"u":18446744073709551615,"f":1.5,"b":true,"n":null,"a":[1,[]],"o":{}})");
  REQUIRE(doc.ok());
  CHECK(doc->at("s") == "x\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(doc->at("i").is_number_integer());
  CHECK(doc->at("u").is_number_unsigned());
  CHECK(doc->at("f").is_number_float());
  CHECK(doc->at("b") == true);
  CHECK(doc->at("n").is_null());
  CHECK(doc->at("a").size() == 2);
  CHECK(doc->at("o").empty());

  for (const char* scalar : {"0", "-0", "\"\"", "true", "false", "null", " 7 \n", "1e-400", "-1.5E+300"}) {
    INFO(scalar);
    CHECK(parse_json(scalar).ok());
  }
  // Non-ASCII in strings arrives as UTF-8, as written.
  auto text = parse_json("[\"\xe2\x82\xac\xf4\x8f\xbf\xbf\"]");
  REQUIRE(text.ok());
  CHECK(text->at(0) == "\xe2\x82\xac\xf4\x8f\xbf\xbf");
}

TEST_CASE("parse_json rejects over-size text before parsing it", "[json]") {
  JsonLimits limits;
  limits.max_bytes = 8;
  CHECK(parse_json("[1,2,3,4]", limits).code() == ErrorCode::too_large);  // 9 bytes
  CHECK(parse_json("[1,2,34]", limits).ok());                             // exactly 8
  // Over the limit and also broken: the size is what is reported, nothing was parsed.
  auto r = parse_json("{{{{{{{{{{", limits);
  CHECK(r.code() == ErrorCode::too_large);
  CHECK(message_has(r.error(), "10 bytes"));

  const std::string big = "\"" + std::string((1 << 20) - 1, 'a') + "\"";  // default limit + 1
  CHECK(parse_json(big).code() == ErrorCode::too_large);
  CHECK(parse_json(big.substr(1)).code() != ErrorCode::too_large);
}

TEST_CASE("parse_json rejects text that is not UTF-8, inside and outside strings", "[json]") {
  const char* bad[] = {
      "\"\x80\"",              // lone continuation byte
      "\"\xc0\xaf\"",          // overlong '/'
      "\"\xe0\x80\xaf\"",      // overlong, 3 bytes
      "\"\xed\xa0\x80\"",      // UTF-16 surrogate D800 encoded in UTF-8 (CESU)
      "\"\xf4\x90\x80\x80\"",  // above U+10FFFF
      "\"\xf8\x88\x80\x80\x80\"",
      "\"\xe2\x82\"",          // truncated sequence
      "\"\xff\"",
      "[1]\xc3",               // after the value
      "{\"k\xe9y\":1}",        // Latin-1 in a member name
  };
  for (const char* text : bad) {
    INFO(text);
    auto r = parse_json(text);
    CHECK(r.code() == ErrorCode::invalid_utf8);
  }
  auto r = parse_json("[\"ok\", \"\xc3\x28\"]");
  REQUIRE(r.code() == ErrorCode::invalid_utf8);
  CHECK(message_has(r.error(), "byte offset 8"));
}

TEST_CASE("parse_json rejects a byte order mark", "[json]") {
  CHECK(parse_json("\xef\xbb\xbf{}").code() == ErrorCode::invalid_json);
}

TEST_CASE("parse_json limits nesting depth during parsing", "[json]") {
  CHECK(parse_json(nested_arrays(32)).ok());
  CHECK(parse_json(nested_arrays(33)).code() == ErrorCode::invalid_json);
  CHECK(message_has(parse_json(nested_arrays(33)).error(), "deeper than the limit of 32"));

  std::string objects;
  for (int i = 0; i < 32; ++i) objects += "{\"a\":";
  CHECK(parse_json(objects + "1" + std::string(32, '}')).ok());
  CHECK(parse_json(objects + "[]" + std::string(32, '}')).code() == ErrorCode::invalid_json);

  JsonLimits limits;
  limits.max_depth = 2;
  CHECK(parse_json("[{\"a\":1}]", limits).ok());
  CHECK(parse_json("[{\"a\":[]}]", limits).code() == ErrorCode::invalid_json);
  CHECK(parse_json("[[], [], {\"a\": 1}]", limits).ok());  // depth is nesting, not a count
  limits.max_depth = 0;
  CHECK(parse_json("\"scalar\"", limits).ok());
  CHECK(parse_json("[]", limits).code() == ErrorCode::invalid_json);

  // Hostile nesting right up to the size limit: rejected without building or recursing.
  const std::string deep_open(500000, '[');
  CHECK(parse_json(deep_open).code() == ErrorCode::invalid_json);
  CHECK(parse_json(nested_arrays(500000)).code() == ErrorCode::invalid_json);
  std::string deep_objects;
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  CHECK(parse_json(deep_objects).code() == ErrorCode::invalid_json);
}

TEST_CASE("parse_json rejects duplicate member names (RFC 7493 section 2.3)", "[json]") {
  auto r = parse_json(R"({"a":1,"b":2,"a":3})");
  REQUIRE(r.code() == ErrorCode::invalid_json);
  CHECK(message_has(r.error(), "duplicate object member name 'a'"));
  // Same name after unescaping.
  CHECK(parse_json(R"({"a":1,"\u0061":2})").code() == ErrorCode::invalid_json);
  CHECK(parse_json(R"({"\ud83d\ude00":1,"\uD83D\uDE00":2})").code() == ErrorCode::invalid_json);
  // In a nested object, after a sibling object closed, and with the same value.
  CHECK(parse_json(R"([{"x":{"k":1,"k":1}}])").code() == ErrorCode::invalid_json);
  CHECK(parse_json(R"({"o":{"k":1},"p":2,"o":3})").code() == ErrorCode::invalid_json);
  // The same name in different objects is fine.
  CHECK(parse_json(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})").ok());
  CHECK(parse_json(R"({"a":1,"A":2,"a ":3,"":4})").ok());
  // A name that is not printable is shown escaped in the message.
  auto ctl = parse_json("{\"\\u0001x\":1,\"\\u0001x\":2}");
  REQUIRE(ctl.code() == ErrorCode::invalid_json);
  CHECK(message_has(ctl.error(), "'\\x01x'"));
}

TEST_CASE("parse_json rejects everything else RFC 8259 does not allow, with the byte offset", "[json]") {
  const char* bad[] = {
      "",        " ",         "[1,]",          "{\"a\":1,}",   "{} x",          "[1] [2]",  "01",
      "-",       "1.",        ".5",            "+1",           "1e",            "0x10",     "NaN",
      "Infinity", "-Infinity", "[1e400]",      "[-1e400]",     "tru",           "nul",      "'a'",
      "{a:1}",   "[1 2]",     "{\"a\" 1}",     "\"\\x\"",      "\"\\u12\"",     "\"\t\"",   "\"a\nb\"",
      "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "/* c */ 1", "1 // c", "[1,2",  "{\"a\":",
      "\"unterminated",
  };
  for (const char* text : bad) {
    INFO(text);
    auto r = parse_json(text);
    REQUIRE(r.code() == ErrorCode::invalid_json);
    CHECK(message_has(r.error(), "byte offset"));
  }
  auto r = parse_json("[1, 2, tru]");
  REQUIRE(r.code() == ErrorCode::invalid_json);
  CHECK(message_has(r.error(), "invalid JSON at byte offset 10"));
  CHECK(message_has(r.error(), "invalid literal"));
  // The message never carries raw control bytes from the input.
  auto ctl = parse_json("[\"a\x01\"]");
  REQUIRE(ctl.code() == ErrorCode::invalid_json);
  for (char c : ctl.error().message) CHECK(static_cast<unsigned char>(c) >= 0x20);
}

TEST_CASE("get_string_field", "[json]") {
  auto doc = parse_json(R"({"name":"Ada","n":1,"empty":"","nul":null})");
  REQUIRE(doc.ok());
  CHECK(*idos::get_string_field(*doc, "name", 16) == "Ada");
  CHECK(*idos::get_string_field(*doc, "empty", 0) == "");
  CHECK(idos::get_string_field(*doc, "name", 3).ok());
  auto too_long = idos::get_string_field(*doc, "name", 2);
  CHECK(too_long.code() == ErrorCode::too_large);
  CHECK(message_has(too_long.error(), "'name'"));
  auto missing = idos::get_string_field(*doc, "nope", 16);
  CHECK(missing.code() == ErrorCode::invalid_input);
  CHECK(message_has(missing.error(), "missing field 'nope'"));
  CHECK(idos::get_string_field(*doc, "n", 16).code() == ErrorCode::invalid_input);
  CHECK(idos::get_string_field(*doc, "nul", 16).code() == ErrorCode::invalid_input);
  CHECK(idos::get_string_field(json::array(), "name", 16).code() == ErrorCode::invalid_input);
  CHECK(idos::get_string_field(json("str"), "name", 16).code() == ErrorCode::invalid_input);
  // A value built in code, not parsed, may hold bytes that are not UTF-8.
  json built = {{"s", "\xff"}};
  CHECK(idos::get_string_field(built, "s", 16).code() == ErrorCode::invalid_utf8);

  auto opt = idos::get_optional_string_field(*doc, "nope", 16);
  REQUIRE(opt.ok());
  CHECK(!opt->has_value());
  CHECK(idos::get_optional_string_field(*doc, "name", 16)->value() == "Ada");
  CHECK(idos::get_optional_string_field(*doc, "nul", 16).code() == ErrorCode::invalid_input);
  CHECK(idos::get_optional_string_field(*doc, "name", 1).code() == ErrorCode::too_large);
}

TEST_CASE("get_int_field takes integers only, within the range", "[json]") {
  auto doc = parse_json(R"({"i":42,"neg":-5,"zero":0,"f":1.0,"e":1e2,"s":"1","b":true,
                           "max":9223372036854775807,"min":-9223372036854775808,"big":18446744073709551615})");
  REQUIRE(doc.ok());
  CHECK(*idos::get_int_field(*doc, "i", 0, 100) == 42);
  CHECK(*idos::get_int_field(*doc, "neg", -10, 10) == -5);
  CHECK(*idos::get_int_field(*doc, "zero", 0, 0) == 0);
  CHECK(idos::get_int_field(*doc, "i", 0, 41).code() == ErrorCode::invalid_input);
  CHECK(idos::get_int_field(*doc, "i", 43, 100).code() == ErrorCode::invalid_input);
  CHECK(idos::get_int_field(*doc, "neg", 0, 10).code() == ErrorCode::invalid_input);
  auto f = idos::get_int_field(*doc, "f", 0, 100);
  CHECK(f.code() == ErrorCode::invalid_input);
  CHECK(message_has(f.error(), "not a number with a fraction or exponent"));
  CHECK(idos::get_int_field(*doc, "e", 0, 1000).code() == ErrorCode::invalid_input);
  CHECK(idos::get_int_field(*doc, "s", 0, 100).code() == ErrorCode::invalid_input);
  CHECK(idos::get_int_field(*doc, "b", 0, 100).code() == ErrorCode::invalid_input);
  CHECK(idos::get_int_field(*doc, "missing", 0, 100).code() == ErrorCode::invalid_input);
  CHECK(*idos::get_int_field(*doc, "max", INT64_MIN, INT64_MAX) == INT64_MAX);
  CHECK(*idos::get_int_field(*doc, "min", INT64_MIN, INT64_MAX) == INT64_MIN);
  CHECK(idos::get_int_field(*doc, "big", INT64_MIN, INT64_MAX).code() == ErrorCode::invalid_input);
  CHECK(idos::get_int_field(*doc, "big", -5, -1).code() == ErrorCode::invalid_input);
  // An unsigned value inside the range is fine however nlohmann stored it.
  json built = {{"u", uint64_t{7}}};
  CHECK(*idos::get_int_field(built, "u", 0, 10) == 7);
  CHECK(idos::get_int_field(built, "u", 8, 10).code() == ErrorCode::invalid_input);
}

TEST_CASE("get_bool_field, get_object_field, get_array_field", "[json]") {
  auto doc = parse_json(R"({"t":true,"f":false,"n":0,"o":{"x":1},"a":[1,2,3]})");
  REQUIRE(doc.ok());
  CHECK(*idos::get_bool_field(*doc, "t") == true);
  CHECK(*idos::get_bool_field(*doc, "f") == false);
  CHECK(idos::get_bool_field(*doc, "n").code() == ErrorCode::invalid_input);
  auto o = idos::get_object_field(*doc, "o");
  REQUIRE(o.ok());
  CHECK((**o).at("x") == 1);
  CHECK(idos::get_object_field(*doc, "a").code() == ErrorCode::invalid_input);
  auto a = idos::get_array_field(*doc, "a", 3);
  REQUIRE(a.ok());
  CHECK((**a).size() == 3);
  CHECK(idos::get_array_field(*doc, "a", 2).code() == ErrorCode::too_large);
  CHECK(idos::get_array_field(*doc, "o", 10).code() == ErrorCode::invalid_input);
  CHECK(idos::get_array_field(*doc, "none", 10).code() == ErrorCode::invalid_input);
}

TEST_CASE("check_only_known_fields names the unknown field", "[json]") {
  auto doc = parse_json(R"({"id":"1","kind":"x"})");
  REQUIRE(doc.ok());
  CHECK(idos::check_only_known_fields(*doc, {"id", "kind", "extra"}).ok());
  CHECK(idos::check_only_known_fields(json::object(), {}).ok());
  auto r = idos::check_only_known_fields(*doc, {"id"});
  REQUIRE(r.code() == ErrorCode::invalid_input);
  CHECK(message_has(r.error(), "unknown field 'kind'"));
  CHECK(idos::check_only_known_fields(*doc, {}).code() == ErrorCode::invalid_input);
  CHECK(idos::check_only_known_fields(json::array(), {"id"}).code() == ErrorCode::invalid_input);
  // Names are compared exactly (no case folding, no prefix match).
  CHECK(idos::check_only_known_fields(*doc, {"ID", "kind"}).code() == ErrorCode::invalid_input);
  CHECK(idos::check_only_known_fields(*doc, {"i", "id", "kin", "kind"}).ok());
  // A long or unprintable name is cut and escaped in the message.
  auto odd = parse_json("{\"" + std::string(100, 'z') + "\\n\":1}");
  REQUIRE(odd.ok());
  auto e = idos::check_only_known_fields(*odd, {"id"});
  REQUIRE(e.code() == ErrorCode::invalid_input);
  CHECK(message_has(e.error(), std::string(64, 'z') + "..."));
}
