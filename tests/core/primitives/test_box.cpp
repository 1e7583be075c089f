#include <catch2/catch.hpp>

#include "idos/primitives/box.hpp"
#include "idos/primitives/encoding.hpp"
#include "test_util.hpp"

using namespace idos;
using idos::test::unhex;

TEST_CASE("Wycheproof X25519", "[box][wycheproof]") {
  auto doc = idos::test::read_vector_json("wycheproof/x25519_test.json");
  int valid = 0, acceptable_accepted = 0, acceptable_rejected = 0;
  for (const auto& group : doc["testGroups"]) {
    for (const auto& t : group["tests"]) {
      INFO("tcId " << t["tcId"].get<int>() << ": " << t["comment"].get<std::string>());
      Bytes priv = unhex(t["private"]), pub = unhex(t["public"]), shared = unhex(t["shared"]);
      std::string result = t["result"];
      bool zero_shared = std::all_of(shared.begin(), shared.end(), [](uint8_t b) { return b == 0; });
      auto got = x25519_shared_secret(priv, pub);
      if (result == "valid") {
        REQUIRE(got.ok());
        CHECK(Bytes(got->expose().begin(), got->expose().end()) == shared);
        ++valid;
      } else if (result == "acceptable") {
        // Decision: an all-zero shared secret (low-order public key) is refused with invalid_key;
        // every other "acceptable" case (non-canonical u, twist points) is computed as RFC 7748 says.
        if (zero_shared) {
          CHECK(got.code() == ErrorCode::invalid_key);
          ++acceptable_rejected;
        } else {
          REQUIRE(got.ok());
          CHECK(Bytes(got->expose().begin(), got->expose().end()) == shared);
          ++acceptable_accepted;
        }
      } else {
        CHECK_FALSE(got.ok());
      }
    }
  }
  CHECK(valid > 0);
  CHECK(acceptable_rejected > 0);
}

TEST_CASE("box round trip with a fresh ephemeral key per message", "[box]") {
  auto recipient = x25519_generate();
  REQUIRE(recipient.ok());
  for (std::string plaintext : {std::string(), std::string("x"), std::string(1024, 'a'), std::string("héllo ✓ 😀")}) {
    auto a = box_encrypt(as_bytes(plaintext), recipient->public_key);
    auto b = box_encrypt(as_bytes(plaintext), recipient->public_key);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->encryptor_public_key != b->encryptor_public_key);  // fresh ephemeral key
    CHECK(a->content != b->content);                            // fresh nonce
    auto wire = base64_decode(a->content);
    REQUIRE(wire.ok());
    CHECK(wire->size() == 24 + 16 + plaintext.size());
    auto opened = box_decrypt(a->content, std::string_view(a->encryptor_public_key), recipient->secret_key);
    REQUIRE(opened.ok());
    CHECK(as_text(*opened) == plaintext);
  }
}

TEST_CASE("box decrypt reports each failure distinctly", "[box]") {
  auto recipient = x25519_generate();
  auto stranger = x25519_generate();
  REQUIRE(recipient.ok());
  REQUIRE(stranger.ok());
  auto msg = box_encrypt(as_bytes("secret data"), recipient->public_key);
  REQUIRE(msg.ok());
  std::string_view epk = msg->encryptor_public_key;

  SECTION("wrong key") {
    CHECK(box_decrypt(msg->content, epk, stranger->secret_key).code() == ErrorCode::decrypt_failed);
  }
  SECTION("tampered ciphertext, mac and nonce") {
    auto wire = base64_decode(msg->content);
    REQUIRE(wire.ok());
    for (size_t index : {size_t(0), size_t(30), wire->size() - 1}) {
      Bytes tampered = *wire;
      tampered[index] ^= 0x01;
      CHECK(box_decrypt(base64_encode(tampered), epk, recipient->secret_key).code() == ErrorCode::decrypt_failed);
    }
  }
  SECTION("bad base64") {
    CHECK(box_decrypt(msg->content + "=", epk, recipient->secret_key).code() == ErrorCode::invalid_encoding);
    CHECK(box_decrypt(msg->content, std::string_view("not base64!"), recipient->secret_key).code() ==
          ErrorCode::invalid_encoding);
  }
  SECTION("wrong lengths") {
    CHECK(box_decrypt(base64_encode(Bytes(39, 0)), epk, recipient->secret_key).code() == ErrorCode::invalid_length);
    CHECK(box_decrypt(msg->content, std::string_view(base64_encode(Bytes(31, 1))), recipient->secret_key).code() ==
          ErrorCode::invalid_length);
    CHECK(box_encrypt(as_bytes("x"), Bytes(33, 1)).code() == ErrorCode::invalid_length);
  }
  SECTION("low-order encryptor key gives an all-zero shared secret") {
    Bytes zero(32, 0);
    CHECK(box_decrypt(msg->content, ByteView(zero), recipient->secret_key).code() == ErrorCode::invalid_key);
    CHECK(box_encrypt(as_bytes("x"), zero).code() == ErrorCode::invalid_key);
  }
  SECTION("oversize plaintext") {
    Bytes big(kMaxBoxPlaintext + 1);
    CHECK(box_encrypt(big, recipient->public_key).code() == ErrorCode::too_large);
  }
}

TEST_CASE("key pair from a secret matches the generated public key", "[box]") {
  auto pair = x25519_generate();
  REQUIRE(pair.ok());
  auto again = x25519_from_secret(pair->secret_key.expose());
  REQUIRE(again.ok());
  CHECK(again->public_key == pair->public_key);
  CHECK(x25519_from_secret(Bytes(31)).code() == ErrorCode::invalid_length);
}

TEST_CASE("sealed boxes", "[box]") {
  auto recipient = x25519_generate();
  auto stranger = x25519_generate();
  REQUIRE(recipient.ok());
  REQUIRE(stranger.ok());
  auto sealed = box_seal(as_bytes("sealed"), recipient->public_key);
  REQUIRE(sealed.ok());
  CHECK(sealed->size() == 48 + 6);
  auto opened = box_seal_open(*sealed, *recipient);
  REQUIRE(opened.ok());
  CHECK(as_text(*opened) == "sealed");
  CHECK(box_seal_open(*sealed, *stranger).code() == ErrorCode::decrypt_failed);
  CHECK(box_seal_open(Bytes(47), *recipient).code() == ErrorCode::invalid_length);
  Bytes low_order = *sealed;
  std::fill(low_order.begin(), low_order.begin() + 32, 0);
  CHECK(box_seal_open(low_order, *recipient).code() == ErrorCode::invalid_key);
}
