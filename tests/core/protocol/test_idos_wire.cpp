// Runs tests/vectors/idos_wire.json (tests/js/gen/idos-wire-vectors.mjs): DWGs, DAGs and signed
// requests signed as idOS's clients sign them, wallet-level schemes and the NEAR recipient policy,
// idOS's access grant id, and the key derivation's user-id salt rules. The plugin's C test and the
// JS package run the same file (the plugin has no key derivation: the node never sees a password).
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/kdf.hpp"
#include "idos/primitives/result.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/protocol/validate.hpp"
#include "idos/protocol/wallet.hpp"
#include "test_util.hpp"

namespace {
std::optional<std::string> opt_string(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<std::string>();
}
std::string outcome(const idos::Status& s) { return s.ok() ? "valid" : std::string(idos::error_code_name(s.code())); }
}  // namespace

TEST_CASE("idos_wire.json documents: idOS clients' DWG, DAG and signed requests", "[validate][idos-wire]") {
  const auto file = idos::test::read_vector_json("idos_wire.json");
  const auto& cases = file.at("documents");
  REQUIRE(cases.size() >= 54);  // 6 wallets x 3 kinds x (valid, signature changed, message changed)
  size_t valid = 0;
  for (const auto& c : cases) {
    INFO("case " << c.at("id").get<std::string>());
    auto status = idos::validate_document(c.at("kind").get<std::string>(), c.at("input").dump(),
                                          c.at("now").get<int64_t>(), c.at("seen_before").get<bool>());
    CHECK(outcome(status) == c.at("expected").get<std::string>());
    if (status.ok()) ++valid;
  }
  CHECK(valid >= 18);
}

TEST_CASE("idos_wire.json wallet cases: schemes and the NEAR recipient policy", "[wallet][idos-wire]") {
  const auto file = idos::test::read_vector_json("idos_wire.json");
  for (const auto& c : file.at("wallet")) {
    INFO("case " << c.at("id").get<std::string>());
    auto public_key = opt_string(c, "public_key");
    auto scheme = opt_string(c, "scheme");
    auto expected_recipient = opt_string(c, "expected_recipient");
    std::string type = c["type"], identifier = c["identifier"], message = c["message"], signature = c["signature"];
    idos::WalletSignatureRequest req{type, identifier, public_key, message, signature, std::nullopt,
                                     std::nullopt, std::nullopt, scheme, expected_recipient};
    CHECK(outcome(idos::verify_wallet_signature(req)) == c.at("expected").get<std::string>());
  }
}

TEST_CASE("idos_wire.json access grant ids: canonical and as idOS computes them", "[grant][idos-wire]") {
  const auto file = idos::test::read_vector_json("idos_wire.json");
  for (const auto& c : file.at("access_grant_ids")) {
    INFO("case " << c.at("id").get<std::string>());
    const std::string grantee = c["grantee"], data_id = c["data_id"];
    const int64_t locked = c["locked_until"];
    auto canonical = idos::accepted_wallet_identifier(grantee, std::nullopt, "grantee");
    REQUIRE(canonical.ok());
    CHECK(*idos::access_grant_id(*canonical, data_id, locked) == c["canonical_id"].get<std::string>());
    CHECK(*idos::access_grant_id_as_supplied(grantee, data_id, locked) == c["idos_id"].get<std::string>());
  }
}

TEST_CASE("idos_wire.json key derivation: idOS's UUID v4 salt rule and the default", "[kdf][idos-wire]") {
  const auto file = idos::test::read_vector_json("idos_wire.json");
  const auto& cases = file.at("key_derivation");
  REQUIRE(cases.size() >= 15);
  size_t refused_by_idos_only = 0;
  for (const auto& c : cases) {
    INFO("case " << c.at("id").get<std::string>());
    const std::string salt = c.at("salt");
    REQUIRE((salt == "idos" || salt == "any-uuid"));
    const auto rule = salt == "idos" ? idos::UserIdSalt::idos_v4 : idos::UserIdSalt::any_uuid;
    auto pair = idos::derive_idos_encryption_key_pair(c.at("password_nfkc").get<std::string>(),
                                                      c.at("user_id").get<std::string>(), rule);
    CHECK((pair.ok() ? std::string("valid") : std::string(idos::error_code_name(pair.code()))) ==
          c.at("expected").get<std::string>());
    if (pair.ok() && c.contains("secret_key_hex")) {
      CHECK(idos::hex_encode(pair->secret_key.expose()) == c.at("secret_key_hex").get<std::string>());
      CHECK(idos::hex_encode(pair->public_key) == c.at("public_key_hex").get<std::string>());
    }
    if (!pair.ok() && salt == "idos" && idos::is_uuid_text(c.at("user_id").get<std::string>())) ++refused_by_idos_only;
  }
  CHECK(refused_by_idos_only >= 4);  // v1, v5, v7, nil: UUIDs the default accepts and idOS's rule refuses
}
