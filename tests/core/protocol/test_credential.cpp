#include <catch2/catch.hpp>

#include "idos/primitives/box.hpp"
#include "idos/protocol/credential.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"

using namespace idos;

TEST_CASE("credential: build, verify, decrypt; shared copy", "[credential]") {
  auto issuer = ed25519_generate();
  auto user = x25519_generate();
  auto grantee = x25519_generate();
  REQUIRE(issuer.ok());
  REQUIRE(user.ok());
  REQUIRE(grantee.ok());
  const std::string plaintext = R"({"type":["VerifiableCredential"]})";
  const std::string id = "00000000-0000-4000-8000-000000000001";
  const std::string user_id = "00000000-0000-4000-8000-000000000002";
  auto c = build_credential(id, user_id, R"({"level":"human"})", as_bytes(plaintext), user->public_key, *issuer);
  REQUIRE(c.ok());
  CHECK(verify_credential(*c).ok());
  CHECK(c->issuer_auth_public_key == hex_encode(issuer->public_key));
  auto opened = box_decrypt(c->content, c->encryptor_public_key, user->secret_key);
  REQUIRE(opened.ok());
  CHECK(as_text(*opened) == plaintext);

  auto copy = make_shared_copy("00000000-0000-4000-8000-000000000003", user_id, *opened, grantee->public_key);
  REQUIRE(copy.ok());
  CHECK(copy->credential.public_notes.empty());
  CHECK(copy->credential.issuer_auth_public_key != c->issuer_auth_public_key);
  CHECK(copy->content_hash == content_hash(as_bytes(plaintext)));
  CHECK(verify_credential(copy->credential).ok());
  auto copy_opened = box_decrypt(copy->credential.content, copy->credential.encryptor_public_key, grantee->secret_key);
  REQUIRE(copy_opened.ok());
  CHECK(as_text(*copy_opened) == plaintext);

  // A copy cannot be edited: new notes need the discarded key.
  auto edited = copy->credential;
  edited.public_notes = "{}";
  CHECK(verify_credential(edited).code() == ErrorCode::verify_failed);
  // Bad inputs are refused by the builder itself.
  CHECK(build_credential("not-a-uuid", user_id, "", as_bytes(plaintext), user->public_key, *issuer).code() != ErrorCode::ok);
  CHECK(build_credential(id, user_id, "not json", as_bytes(plaintext), user->public_key, *issuer).code() ==
        ErrorCode::invalid_json);
}
