#include <catch2/catch.hpp>

#include "idos/primitives/canonical_json.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/json_dom.hpp"
#include "idos/protocol/vc.hpp"
#include "test_util.hpp"

using namespace idos;

TEST_CASE("eddsa-jcs-2022: W3C vc-di-eddsa known answer", "[vc]") {
  const auto kat = test::read_vector_json("vc_eddsa_jcs.json");
  auto key = ed25519_from_multikey(kat.at("public_key_multibase").get<std::string>());
  REQUIRE(key.ok());
  CHECK(hex_encode(*key) == kat.at("public_key_hex").get<std::string>());
  const auto& signed_doc = kat.at("signed");
  CHECK(eddsa_jcs_2022_verify(signed_doc.dump(), *key).ok());

  auto unsecured = signed_doc;
  unsecured.erase("proof");
  CHECK(*canonicalize_json(unsecured) == kat.at("canonical_document").get<std::string>());

  // Signing reproduces the published proofValue (Ed25519 is deterministic).
  auto pair = ed25519_from_seed(test::unhex(kat.at("seed_hex").get<std::string>()));
  REQUIRE(pair.ok());
  ProofOptions opts{signed_doc.at("proof").at("verificationMethod").get<std::string>(),
                    signed_doc.at("proof").at("created").get<std::string>()};
  auto resigned = eddsa_jcs_2022_sign(unsecured.dump(), *pair, opts);
  REQUIRE(resigned.ok());
  CHECK(nlohmann::json::parse(*resigned).at("proof").at("proofValue") == signed_doc.at("proof").at("proofValue"));

  auto tampered = signed_doc;
  tampered["name"] = "Alumni Credential!";
  CHECK(eddsa_jcs_2022_verify(tampered.dump(), *key).code() == ErrorCode::verify_failed);
}

TEST_CASE("did:key Ed25519 and a produced VC", "[vc]") {
  auto pair = ed25519_from_seed(Bytes(32, 7));
  REQUIRE(pair.ok());
  const std::string did = did_key_from_ed25519(pair->public_key);
  CHECK(did.rfind("did:key:z6Mk", 0) == 0);
  auto back = ed25519_from_did_key(did + "#" + did.substr(8));
  REQUIRE(back.ok());
  CHECK(*back == pair->public_key);
  CHECK(ed25519_from_did_key("did:web:example.com").code() == ErrorCode::unsupported);

  nlohmann::json vc = {{"@context", {std::string(kVcContextV2)}},
                       {"type", {"VerifiableCredential"}},
                       {"issuer", did},
                       {"validFrom", "2026-01-01T00:00:00Z"},
                       {"credentialSubject", {{"id", "did:example:1"}, {"n", 1.5}}}};
  auto signed_vc = eddsa_jcs_2022_sign(vc.dump(), *pair, ProofOptions{did + "#" + did.substr(8), "2026-01-01T00:00:00Z"});
  REQUIRE(signed_vc.ok());
  CHECK(verify_verifiable_credential(*signed_vc, 1767225600).ok());
  CHECK(verify_verifiable_credential(*signed_vc, 1767225599).code() == ErrorCode::not_yet_valid);
  CHECK(eddsa_jcs_2022_sign(vc.dump(), *pair, ProofOptions{did, "yesterday"}).code() != ErrorCode::ok);
}
