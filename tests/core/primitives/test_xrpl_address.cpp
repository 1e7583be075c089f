// XRPL classic addresses against examples from the XRPL documentation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "idos/primitives/xrpl_address.hpp"
#include "test_util.hpp"

using idos::Bytes;
using idos::ErrorCode;
using idos::test::unhex;

namespace {

idos::XrplAccountId account_id_from_hex(const std::string& hex) {
  Bytes b = unhex(hex);
  idos::XrplAccountId id{};
  REQUIRE(b.size() == id.size());
  std::copy(b.begin(), b.end(), id.begin());
  return id;
}

// XRPLF/xrpl-dev-portal, _code-samples/address_encoding/js/encode_address.js: the Ed25519 example
// key and the address printed for it, and the secp256k1 example.
constexpr const char* kDocEd25519Key = "ED9434799226374926EDA3B54B1B461B4ABF7237962EAE18528FEA67595397FA32";
constexpr const char* kDocEd25519Address = "rDTXLQ7ZKZVKz33zJbHjgVShjsBnqMBhmN";
constexpr const char* kDocSecp256k1Key = "0303E20EC6B4A39A629815AE02C0A1393B9225E3B890CAE45B59F42FA29BE9668D";
constexpr const char* kDocSecp256k1Address = "rnBFvgZphmN39GWzUJeUitaP22Fr9be75H";

// XRPL documentation, "Addresses" (special addresses) and the rippled submit example, whose
// tx_blob carries the genesis account's id (field 8114...) for Account rHb9CJAW...
constexpr const char* kGenesisAddress = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh";
constexpr const char* kGenesisAccountId = "B5F762798A53D543A014CAF8B297CFF8F2F937E8";

}  // namespace

TEST_CASE("XRPL address of an ed25519 public key (XRPL docs example)", "[xrpl]") {
  auto address = idos::xrpl_classic_address_from_public_key(unhex(kDocEd25519Key));
  REQUIRE(address.ok());
  CHECK(address.value() == kDocEd25519Address);

  // The same key as libsodium gives it (32 bytes, no 0xED prefix).
  Bytes raw = unhex(kDocEd25519Key);
  std::array<uint8_t, 32> ed25519{};
  std::copy(raw.begin() + 1, raw.end(), ed25519.begin());
  CHECK(idos::xrpl_classic_address_from_ed25519_public_key(ed25519) == kDocEd25519Address);

  // Decoding the address gives back the account id derived from the key.
  auto id = idos::xrpl_account_id_from_public_key(unhex(kDocEd25519Key));
  REQUIRE(id.ok());
  auto decoded = idos::xrpl_decode_classic_address(kDocEd25519Address);
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == id.value());
}

TEST_CASE("XRPL address of a secp256k1 public key (XRPL docs example)", "[xrpl]") {
  auto address = idos::xrpl_classic_address_from_public_key(unhex(kDocSecp256k1Key));
  REQUIRE(address.ok());
  CHECK(address.value() == kDocSecp256k1Address);
  CHECK(idos::xrpl_decode_classic_address(kDocSecp256k1Address).ok());
}

TEST_CASE("XRPL addresses of known account ids", "[xrpl]") {
  struct Known {
    const char* address;
    const char* account_id_hex;
  };
  const Known known[] = {
      {kGenesisAddress, kGenesisAccountId},
      // XRPL documentation, "Addresses": ACCOUNT_ZERO (the value 0) and ACCOUNT_ONE (the value 1).
      {"rrrrrrrrrrrrrrrrrrrrrhoLvTp", "0000000000000000000000000000000000000000"},
      {"rrrrrrrrrrrrrrrrrrrrBZbvji", "0000000000000000000000000000000000000001"},
  };
  for (const auto& k : known) {
    INFO("address " << k.address);
    auto id = account_id_from_hex(k.account_id_hex);
    CHECK(idos::xrpl_classic_address_from_account_id(id) == k.address);
    auto decoded = idos::xrpl_decode_classic_address(k.address);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == id);
  }
}

TEST_CASE("XRPL address decoding rejects malformed input", "[xrpl]") {
  // Wrong checksum: the genesis address with its last character changed.
  std::string typo = kGenesisAddress;
  typo.back() = 'j';
  CHECK(idos::xrpl_decode_classic_address(typo).code() == ErrorCode::checksum_mismatch);
  // A swap of two characters inside the account id part.
  std::string swapped = kGenesisAddress;
  std::swap(swapped[5], swapped[6]);
  CHECK(idos::xrpl_decode_classic_address(swapped).code() == ErrorCode::checksum_mismatch);

  // A Bitcoin address (Bitcoin Core base58 vector) is not an XRPL address: no leading 'r'.
  CHECK(idos::xrpl_decode_classic_address("1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L").code() ==
        ErrorCode::invalid_encoding);
  // Characters outside the Ripple alphabet ('0', 'l', whitespace).
  CHECK(idos::xrpl_decode_classic_address("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyT0").code() ==
        ErrorCode::invalid_encoding);
  CHECK(idos::xrpl_decode_classic_address("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTl").code() ==
        ErrorCode::invalid_encoding);
  CHECK(idos::xrpl_decode_classic_address(" rHb9CJAWyB4rj91VRWn96DkukG4bwdtyT").code() ==
        ErrorCode::invalid_encoding);

  // Length outside 25..35 characters, before any decoding.
  CHECK(idos::xrpl_decode_classic_address("").code() == ErrorCode::invalid_length);
  CHECK(idos::xrpl_decode_classic_address("rrrr").code() == ErrorCode::invalid_length);
  CHECK(idos::xrpl_decode_classic_address(std::string(kGenesisAddress) + "rr").code() ==
        ErrorCode::invalid_length);
  CHECK(idos::xrpl_decode_classic_address(std::string(5000, 'r')).code() == ErrorCode::invalid_length);
  // In range, but the number is too small / too large for 25 bytes.
  CHECK(idos::xrpl_decode_classic_address("r" + std::string(30, 'z')).code() == ErrorCode::invalid_length);
  CHECK(idos::xrpl_decode_classic_address("r" + std::string(34, 'z')).code() == ErrorCode::invalid_length);
}

TEST_CASE("XRPL public key checks", "[xrpl]") {
  Bytes raw = unhex(kDocEd25519Key);
  Bytes without_prefix(raw.begin() + 1, raw.end());
  CHECK(idos::xrpl_classic_address_from_public_key(without_prefix).code() == ErrorCode::invalid_length);
  CHECK(idos::xrpl_account_id_from_public_key(Bytes{}).code() == ErrorCode::invalid_length);
  Bytes uncompressed_prefix = raw;
  uncompressed_prefix[0] = 0x04;
  CHECK(idos::xrpl_classic_address_from_public_key(uncompressed_prefix).code() == ErrorCode::invalid_key);
}
