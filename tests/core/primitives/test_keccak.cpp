// Keccak-256 (original padding) against published vectors.
#include <catch2/catch.hpp>

#include <string>

#include "idos/primitives/keccak.hpp"
#include "test_util.hpp"

using idos::Bytes;
using idos::test::unhex;

namespace {

struct HexVector {
  const char* message_hex;
  const char* digest_hex;
};

Bytes digest_of_hex(const std::string& message_hex) { return idos::keccak256(unhex(message_hex)); }

}  // namespace

TEST_CASE("keccak256 of short text matches published values", "[keccak]") {
  // The empty string and "abc": web3.py documentation, Web3.soliditySha3(['uint8', 'uint8',
  // 'uint8'], [97, 98, 99]) = keccak256("abc"); "" also is Len = 0 of the Keccak team KAT below.
  CHECK(idos::keccak256(idos::as_bytes("")) ==
        unhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));
  CHECK(idos::keccak256(idos::as_bytes("abc")) ==
        unhex("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"));
  // ethers v5 documentation (docs.ethers.org/v5/api/utils/hashing/): hashMessage("Hello World"),
  // i.e. keccak256 of the EIP-191 prefixed message.
  CHECK(idos::keccak256(idos::as_bytes("\x19" "Ethereum Signed Message:\n11Hello World")) ==
        unhex("a1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2"));
}

TEST_CASE("keccak256 is not SHA3-256", "[keccak]") {
  // FIPS 202 SHA3-256("") = a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a; the
  // two differ only in padding, and we must produce the Keccak one.
  CHECK(idos::keccak256(idos::as_bytes("")) !=
        unhex("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"));
}

TEST_CASE("keccak256 matches the Keccak team known-answer tests", "[keccak]") {
  // "Keccak: Known-answer and Monte Carlo test results", version 3.0 (KeccakKAT-3.zip,
  // https://keccak.team/obsolete/KeccakKAT-3.zip), ShortMsgKAT_256.txt and LongMsgKAT_256.txt,
  // byte-aligned entries only. The lengths cover one block, just under one block and several
  // blocks (the rate is 136 bytes).
  const HexVector kat[] = {
      // ShortMsgKAT_256, Len = 8
      {"cc", "eead6dbfc7340a56caedc044696a168870549a6a7f6f56961e84a54bd9970b8a"},
      // ShortMsgKAT_256, Len = 752 (94 bytes)
      {"7adc0b6693e61c269f278e6944a5a2d8300981e40022f839ac644387bfac9086650085c2cdc585fea47b9d2e52d65a2b29a7dc"
       "370401ef5d60dd0d21f9e2b90fae919319b14b8c5565b0423cefb827d5f1203302a9d01523498a4db10374",
       "4cc2aff141987f4c2e683fa2de30042bacdcd06087d7a7b014996e9cfeaa58ce"},
      // ShortMsgKAT_256, Len = 920 (115 bytes)
      {"b55c10eae0ec684c16d13463f29291bf26c82e2fa0422a99c71db4af14dd9c7f33eda52fd73d017cc0f2dbe734d831f0d820d06d"
       "5f89dacc485739144f8cfd4799223b1aff9031a105cb6a029ba71e6e5867d85a554991c38df3c9ef8c1e1e9a7630be61caabca69"
       "280c399c1fb7a12d12aefc",
       "0347901965d3635005e75a1095695cca050bc9ed2d440c0372a31b348514a889"},
      // ShortMsgKAT_256, Len = 1952 (244 bytes: one full block, then a partial one)
      {"2edc282ffb90b97118dd03aaa03b145f363905e3cbd2d50ecd692b37bf000185c651d3e9726c690d3773ec1e48510e42b17742b0"
       "b0377e7de6b8f55e00a8a4db4740cee6db0830529dd19617501dc1e9359aa3bcf147e0a76b3ab70c4984c13e339e6806bb35e683"
       "af8527093670859f3d8a0fc7d493bcba6bb12b5f65e71e705ca5d6c948d66ed3d730b26db395b3447737c26fad089aa0ad0e306c"
       "b28bf0acf106f89af3745f0ec72d534968cca543cd2ca50c94b1456743254e358c1317c07a07bf2b0eca438a709367fafc89a572"
       "39028fc5fecfd53b8ef958ef10ee0608b7f5cb9923ad97058ec067700cc746c127a61ee3",
       "dd1d2a92b3f3f3902f064365838e1f5f3468730c343e2974e7a9ecfcd84aa6db"},
      // LongMsgKAT_256, Len = 2048 (256 bytes)
      {"724627916c50338643e6996f07877eafd96bdf01da7e991d4155b9be1295ea7d21c9391f4c4a41c75f77e5d27389253393725f14"
       "27f57914b273ab862b9e31dabce506e558720520d33352d119f699e784f9e548ff91bc35ca147042128709820d69a8287ea32578"
       "57615eb0321270e94b84f446942765ce882b191faee7e1c87e0f0bd4e0cd8a927703524b559b769ca4ece1f6dbf313fdcf67c572"
       "ec4185c1a88e86ec11b6454b371980020f19633b6b95bd280e4fbcb0161e1a82470320cec6ecfa25ac73d09f1536f286d3f9daca"
       "fb2cd1d0ce72d64d197f5c7520b3ccb2fd74eb72664ba93853ef41eabf52f015dd591500d018dd162815cc993595b195",
       "ea0e416c0f7b4f11e3f00479fddf954f2539e5e557753bd546f69ee375a5de29"},
  };
  for (const auto& v : kat) {
    INFO("message " << v.message_hex);
    CHECK(digest_of_hex(v.message_hex) == unhex(v.digest_hex));
  }
}

TEST_CASE("keccak256 pads correctly at the rate boundary", "[keccak]") {
  // Keccak-256 ShortMsgKAT entries for Len = 1080 (135 bytes: both padding bits land in the last
  // byte of the block, 0x81) and Len = 1088 (136 bytes: the padding takes a block of its own), as
  // published in the glatan/ghash repository (components/hashes/keccak/tests/keccak/
  // short_msg_kat_256.rs), a copy of the Keccak team's ShortMsgKAT_256.
  const HexVector boundary[] = {
      {"2f3fb9e6321405869ff0e6271369357ee08c9c27837fe300adf3766a61979591d64e7809627e8f026e762982df5f00bfeb9ce76f"
       "1ccb70c9bee6331f7dc8b15417295d7aa7ec7c1662a69842059901f136e96052b4d01b72b64f92331744872f6de4a915d0262b33"
       "ccc375d25d77c3936023e514f30187a9501adc685e6497cc4841e119670d4d",
       "0484f02cc16415e7e9f28f95b6bb77209e1b25ec35015de84facbc8f9605b39e"},
      {"33d0c3052e3ac8c19beca6b0dfa73888f753655fb2c9f77e1238602c9f6d7ad33e3dd96c78a22e148ed4c46d7cfdf674505bd403"
       "25cb813804e264a450de778f1c50fc94f32aa881fe6def7b6ae6efbb42c3be678f40a09322053773e3af020000fe94f3283c7527"
       "aa64a2144b92cf8d568df4e6cd957af09ab1637e61667e616412558d4fcab4f9",
       "b30ad6fc320c0d70309dc39953895cb7cf3fbedec7d86a5f7aa9f2bb760f6dba"},
  };
  REQUIRE(unhex(boundary[0].message_hex).size() == 135);
  REQUIRE(unhex(boundary[1].message_hex).size() == 136);
  for (const auto& v : boundary) {
    INFO("message " << v.message_hex);
    CHECK(digest_of_hex(v.message_hex) == unhex(v.digest_hex));
  }
}

TEST_CASE("keccak256_digest and keccak256 agree", "[keccak]") {
  auto digest = idos::keccak256_digest(idos::as_bytes("abc"));
  CHECK(Bytes(digest.begin(), digest.end()) == idos::keccak256(idos::as_bytes("abc")));
  CHECK(digest.size() == idos::kKeccak256Size);
}
