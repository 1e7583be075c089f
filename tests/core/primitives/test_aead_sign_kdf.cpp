#include <catch2/catch.hpp>

#include "idos/primitives/aead.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/kdf.hpp"
#include "idos/primitives/sign.hpp"
#include "test_util.hpp"

using namespace idos;
using idos::test::unhex;

TEST_CASE("Wycheproof XChaCha20-Poly1305", "[aead][wycheproof]") {
  auto doc = idos::test::read_vector_json("wycheproof/xchacha20_poly1305_test.json");
  int checked = 0;
  for (const auto& group : doc["testGroups"]) {
    for (const auto& t : group["tests"]) {
      INFO("tcId " << t["tcId"].get<int>() << ": " << t["comment"].get<std::string>());
      auto key = Secret::copy_of(unhex(t["key"]));
      REQUIRE(key.ok());
      Bytes iv = unhex(t["iv"]), aad = unhex(t["aad"]), msg = unhex(t["msg"]);
      Bytes ct_tag = concat(unhex(t["ct"]), unhex(t["tag"]));
      std::string result = t["result"];
      auto opened = aead_decrypt(ct_tag, aad, iv, *key);
      if (result == "valid") {
        REQUIRE(opened.ok());
        CHECK(*opened == msg);
        auto sealed = aead_encrypt(msg, aad, iv, *key);
        REQUIRE(sealed.ok());
        CHECK(*sealed == ct_tag);
      } else {
        CHECK_FALSE(opened.ok());  // no "acceptable" cases in this file
      }
      ++checked;
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("AEAD seal/open with random nonces", "[aead]") {
  auto key = aead_generate_key();
  auto other = aead_generate_key();
  REQUIRE(key.ok());
  REQUIRE(other.ok());
  auto sealed = aead_seal(as_bytes("at rest"), as_bytes("ad"), *key);
  REQUIRE(sealed.ok());
  CHECK(sealed->size() == 24 + 7 + 16);
  auto opened = aead_open(*sealed, as_bytes("ad"), *key);
  REQUIRE(opened.ok());
  CHECK(as_text(*opened) == "at rest");
  CHECK(aead_open(*sealed, as_bytes("other ad"), *key).code() == ErrorCode::decrypt_failed);
  CHECK(aead_open(*sealed, as_bytes("ad"), *other).code() == ErrorCode::decrypt_failed);
  CHECK(aead_open(Bytes(39), as_bytes("ad"), *key).code() == ErrorCode::invalid_length);
  auto short_key = Secret::allocate(16);
  REQUIRE(short_key.ok());
  CHECK(aead_seal(as_bytes("x"), {}, *short_key).code() == ErrorCode::invalid_length);
}

TEST_CASE("Wycheproof Ed25519", "[sign][wycheproof]") {
  auto doc = idos::test::read_vector_json("wycheproof/ed25519_test.json");
  int valid = 0, invalid = 0;
  for (const auto& group : doc["testGroups"]) {
    Bytes pk = unhex(group["publicKey"]["pk"]);
    for (const auto& t : group["tests"]) {
      INFO("tcId " << t["tcId"].get<int>() << ": " << t["comment"].get<std::string>());
      auto verdict = ed25519_verify(unhex(t["msg"]), unhex(t["sig"]), pk);
      if (t["result"] == "valid") {
        CHECK(verdict.ok());
        ++valid;
      } else {
        CHECK_FALSE(verdict.ok());  // VERIFY_FAILED, or a size error for a malformed signature
        ++invalid;
      }
    }
  }
  CHECK(valid > 0);
  CHECK(invalid > 0);
}

TEST_CASE("Ed25519 sign and verify", "[sign]") {
  // RFC 8032 section 7.1, TEST 1 (empty message).
  auto pair = ed25519_from_seed(unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  REQUIRE(pair.ok());
  CHECK(hex_encode(pair->public_key) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = ed25519_sign({}, *pair);
  REQUIRE(sig.ok());
  CHECK(hex_encode(*sig) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  CHECK(ed25519_verify({}, *sig, pair->public_key).ok());
  auto wrong = ed25519_verify(as_bytes("x"), *sig, pair->public_key);
  CHECK(wrong.code() == ErrorCode::verify_failed);
  CHECK(ed25519_verify({}, Bytes(63), pair->public_key).code() == ErrorCode::invalid_signature);
  CHECK(ed25519_verify({}, *sig, Bytes(31)).code() == ErrorCode::invalid_length);
  auto seed = ed25519_seed(*pair);
  REQUIRE(seed.ok());
  CHECK(hex_encode(seed->expose()) == "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
}

TEST_CASE("scrypt matches RFC 7914 section 12", "[kdf]") {
  // The N=16384, r=8, p=1 vector: the same parameters as idOS's key derivation.
  auto out = scrypt(as_bytes("pleaseletmein"), as_bytes("SodiumChloride"), 16384, 8, 1, 64);
  REQUIRE(out.ok());
  CHECK(hex_encode(out->expose()) ==
        "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9"
        "e61e85dc0d651e40dfcf017b45575887");
  CHECK(scrypt(as_bytes("p"), as_bytes("s"), 1000, 8, 1, 32).code() == ErrorCode::invalid_input);
  // The bounds the bindings no longer repeat: refused here, before any memory is taken.
  CHECK(scrypt(as_bytes("p"), as_bytes("s"), kScryptMaxN * 2, 1, 1, 32).code() == ErrorCode::invalid_input);
  CHECK(scrypt(as_bytes("p"), as_bytes("s"), 1024, kScryptMaxR + 1, 1, 32).code() == ErrorCode::invalid_input);
  CHECK(scrypt(as_bytes("p"), as_bytes("s"), 1024, 1, kScryptMaxP + 1, 32).code() == ErrorCode::invalid_input);
  CHECK(scrypt(as_bytes("p"), as_bytes("s"), 1024, 1, 1, kScryptMaxOutputBytes + 1).code() == ErrorCode::invalid_length);
}

TEST_CASE("idOS key derivation checks its inputs", "[kdf]") {
  const char* user = "5e1a4d6a-7c1f-4a3b-9f5e-2d8c4b6a1e3f";
  auto a = derive_idos_encryption_key_pair("correct horse", user);
  auto b = derive_idos_encryption_key_pair("correct horse", user);
  auto c = derive_idos_encryption_key_pair("correct horsf", user);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(a->public_key == b->public_key);
  CHECK(a->public_key != c->public_key);
  CHECK(derive_idos_secret_key("pw", "not-a-uuid").code() == ErrorCode::invalid_input);
  CHECK(derive_idos_secret_key("\xff", user).code() == ErrorCode::invalid_utf8);
  CHECK(derive_idos_secret_key(std::string(1025, 'a'), user).code() == ErrorCode::too_large);
}

TEST_CASE("idOS key derivation matches scrypt-js + tweetnacl", "[kdf][interop]") {
  auto doc = idos::test::read_vector_json("crypto_interop.json");
  int n = 0;
  for (const auto& t : doc["idos_key_derivation"]["cases"]) {
    std::string password = t["password_nfkc"];
    auto pair = derive_idos_encryption_key_pair(password, t["user_id"].get<std::string>());
    REQUIRE(pair.ok());
    CHECK(hex_encode(pair->secret_key.expose()) == t["secret_key_hex"].get<std::string>());
    CHECK(hex_encode(pair->public_key) == t["public_key_hex"].get<std::string>());
    ++n;
  }
  CHECK(n >= 3);
}

TEST_CASE("Argon2id derives deterministic keys per salt", "[kdf]") {
  Argon2idParams fast{2, 8u << 20};
  Bytes salt(16, 7), salt2(16, 8);
  auto a = argon2id(as_bytes("pw"), salt, 32, fast);
  auto b = argon2id(as_bytes("pw"), salt, 32, fast);
  auto c = argon2id(as_bytes("pw"), salt2, 32, fast);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(a->equals(*b));
  CHECK_FALSE(a->equals(*c));
  CHECK(argon2id(as_bytes("pw"), Bytes(15), 32, fast).code() == ErrorCode::invalid_length);
  CHECK(argon2id(as_bytes("pw"), salt, 32, Argon2idParams{0, 1}).code() == ErrorCode::invalid_input);
  CHECK(argon2id(as_bytes("pw"), salt, 32, Argon2idParams{kArgon2idMaxOpsLimit + 1, 8u << 20}).code() ==
        ErrorCode::invalid_input);
  CHECK(argon2id(as_bytes("pw"), salt, 32, Argon2idParams{2, kArgon2idMaxMemLimit + 1}).code() ==
        ErrorCode::invalid_input);
  CHECK(argon2id(as_bytes("pw"), salt, 32, Argon2idParams{2, kArgon2idMinMemLimit - 1}).code() ==
        ErrorCode::invalid_input);
}
