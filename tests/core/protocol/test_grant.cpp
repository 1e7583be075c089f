#include <catch2/catch.hpp>

#include "idos/primitives/uuid.hpp"
#include "idos/protocol/grant.hpp"

using namespace idos;

namespace {
constexpr const char* kGrantee = "0x0000000000000000000000000000000000000001";
constexpr const char* kDataId = "00000000-0000-4000-8000-000000000001";
constexpr const char* kHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}  // namespace

TEST_CASE("access grant id is idOS's UUIDv5", "[grant]") {
  // Known answer from an independent implementation: the npm package `uuid` 14.0.3 (a
  // devDependency of js/), v5("0x0000000000000000000000000000000000000001-00000000-0000-4000-8000-
  // 000000000001-1700000000", "31276fd4-105f-4ff7-9f64-644942c14b79"). grants.json's case
  // access_grant/known-answer-id (node:crypto SHA-1, tests/js/gen/grant-vectors.mjs) has the same id.
  auto id = access_grant_id(kGrantee, kDataId, 1700000000);
  REQUIRE(id.ok());
  CHECK(*id == "2d5b9e14-a125-57aa-b394-30142d8b74f0");
  auto g = make_access_grant("00000000-0000-4000-8000-0000000000aa", kGrantee, kDataId, 1700000000, kHash, "user", "x");
  REQUIRE(g.ok());
  CHECK(g->id == *id);
  CHECK(check_access_grant(*g).ok());
  auto moved = *g;
  moved.locked_until = 0;
  CHECK(check_access_grant(moved).code() == ErrorCode::mismatch);
}

TEST_CASE("DAG and DWG message templates, byte for byte", "[grant]") {
  DelegatedAccessGrant dag{kGrantee, "0x0000000000000000000000000000000000000002", kDataId, 1700000000, kHash};
  auto idos_dag = dag_message(dag);  // default: idOS's last public template
  REQUIRE(idos_dag.ok());
  CHECK(*idos_dag == "operation: insertAccessGrant\n"
                     "owner: 0x0000000000000000000000000000000000000001\n"
                     "grantee: 0x0000000000000000000000000000000000000002\n"
                     "dataId: 00000000-0000-4000-8000-000000000001\n"
                     "lockedUntil: 1700000000\n"
                     "contentHash: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  dag.format = GrantMessageFormat::idos_core_1;
  auto m = dag_message(dag);
  REQUIRE(m.ok());
  CHECK(*m == "operation: delegatedAccessGrant\n"
              "owner: 0x0000000000000000000000000000000000000001\n"
              "grantee: 0x0000000000000000000000000000000000000002\n"
              "data_id: 00000000-0000-4000-8000-000000000001\n"
              "locked_until: 1700000000\n"
              "content_hash: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  // idOS's DWG (idos-sdk-js docs/guide-issuer.md): the owner as the wallet gives it (EIP-55).
  DelegatedWriteGrant dwg{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x0000000000000000000000000000000000000002",
                          std::string(64, 'a'), kDataId, "2026-01-08T00:00:00Z", "2026-01-01T00:00:00Z",
                          "2026-01-02T00:00:00Z"};
  auto idos_dwg = dwg_message(dwg);
  REQUIRE(idos_dwg.ok());
  CHECK(*idos_dwg == "operation: delegatedWriteGrant\n"
                     "owner: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n"
                     "consumer: 0x0000000000000000000000000000000000000002\n"
                     "issuer public key: " + std::string(64, 'a') + "\n"
                     "id: 00000000-0000-4000-8000-000000000001\n"
                     "access grant timelock: 2026-01-08T00:00:00Z\n"
                     "not usable before: 2026-01-01T00:00:00Z\n"
                     "not usable after: 2026-01-02T00:00:00Z");
  auto derived = access_grant_from_dwg(dwg, "00000000-0000-4000-8000-0000000000aa", kDataId, kHash);
  REQUIRE(derived.ok());
  CHECK(derived->grantee == "0x0000000000000000000000000000000000000002");
  dwg.owner = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";  // wrong checksum
  CHECK(dwg_message(dwg).code() == ErrorCode::checksum_mismatch);
  dwg.owner = kGrantee;
  dwg.format = GrantMessageFormat::idos_core_1;
  auto w = dwg_message(dwg);
  REQUIRE(w.ok());
  CHECK(*w == "operation: delegatedWriteGrant\n"
              "owner: 0x0000000000000000000000000000000000000001\n"
              "grantee: 0x0000000000000000000000000000000000000002\n"
              "issuer_public_key: " + std::string(64, 'a') + "\n"
              "id: 00000000-0000-4000-8000-000000000001\n"
              "access_grant_timelock: 2026-01-08T00:00:00Z\n"
              "not_usable_before: 2026-01-01T00:00:00Z\n"
              "not_usable_after: 2026-01-02T00:00:00Z");
  CHECK(parse_grant_message_format("idos-1").ok());
  CHECK(parse_grant_message_format("idos").code() == ErrorCode::unsupported);
  CHECK(check_dwg_usable_at(dwg, 1767225600 - 65).ok());
  CHECK(check_dwg_usable_at(dwg, 1767225600 - 66).code() == ErrorCode::not_yet_valid);
  CHECK(check_dwg_usable_at(dwg, 1767312000).ok());
  CHECK(check_dwg_usable_at(dwg, 1767312001).code() == ErrorCode::expired);
  dwg.not_usable_after = dwg.not_usable_before;
  CHECK(dwg_message(dwg).code() == ErrorCode::invalid_input);
}

TEST_CASE("access grant id as idOS computes it (grantee as supplied)", "[grant]") {
  const std::string checksummed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  const std::string lower = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
  auto ours = access_grant_id(lower, kDataId, 0);
  auto theirs = access_grant_id_as_supplied(checksummed, kDataId, 0);
  REQUIRE(ours.ok());
  REQUIRE(theirs.ok());
  CHECK(*ours != *theirs);
  CHECK(*theirs == *uuid_v5(kAccessGrantNamespace, checksummed + "-" + kDataId + "-0"));
  CHECK(*access_grant_id_as_supplied(lower, kDataId, 0) == *ours);
  CHECK(access_grant_id_as_supplied("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", kDataId, 0).code() ==
        ErrorCode::checksum_mismatch);
  CHECK(access_grant_id_as_supplied(lower, "x", 0).code() != ErrorCode::ok);
}

TEST_CASE("read and signed request templates", "[grant]") {
  ReadRequest r{kGrantee, kDataId, std::string(64, 'b'), "2026-01-01T00:00:00Z"};
  auto m = read_request_message(r);
  REQUIRE(m.ok());
  CHECK(*m == "operation: readRequest\ngrantee: 0x0000000000000000000000000000000000000001\n"
              "data_id: 00000000-0000-4000-8000-000000000001\nnonce: " + std::string(64, 'b') +
                  "\nissued_at: 2026-01-01T00:00:00Z");
  SignedRequest s{kGrantee, "POST", "/v1/access-grants?x=1", kHash, std::string(64, 'c'), "2026-01-01T00:00:00Z"};
  auto sm = signed_request_message(s);
  REQUIRE(sm.ok());
  CHECK(*sm == "operation: signedRequest\ncaller: 0x0000000000000000000000000000000000000001\nmethod: POST\n"
               "path: /v1/access-grants?x=1\nbody_sha256: " + std::string(kHash) + "\nnonce: " + std::string(64, 'c') +
                   "\nissued_at: 2026-01-01T00:00:00Z");
  s.path = "/a\r\nb";
  CHECK(signed_request_message(s).code() == ErrorCode::invalid_input);
  CHECK(check_request_freshness("2026-01-01T00:00:00Z", 1767225600 + 300).ok());
  CHECK(check_request_freshness("2026-01-01T00:00:00Z", 1767225600 + 301).code() == ErrorCode::expired);
  CHECK(check_request_freshness("2026-01-01T00:00:00Z", 1767225600 - 66).code() == ErrorCode::not_yet_valid);
}

TEST_CASE("revocation policy", "[grant]") {
  auto g = make_access_grant("00000000-0000-4000-8000-0000000000aa", kGrantee, kDataId, 100, kHash, "user", "x");
  REQUIRE(g.ok());
  CHECK(check_revocation(*g, g->owner, 101).ok());
  CHECK(check_revocation(*g, g->owner, 100).code() == ErrorCode::locked);
  CHECK(check_revocation(*g, "00000000-0000-4000-8000-0000000000bb", 101).code() == ErrorCode::forbidden);
}

TEST_CASE("wallet identifier shapes", "[grant]") {
  CHECK(*infer_wallet_type(kGrantee) == WalletType::evm);
  CHECK(*infer_wallet_type(std::string(64, 'a')) == WalletType::facesign);
  CHECK(infer_wallet_type("alice").code() == ErrorCode::unsupported);
  CHECK(check_canonical_wallet_identifier(std::string(64, 'A'), std::nullopt, "x").code() != ErrorCode::ok);
}
