// RIPEMD-160 against the test vectors of the RIPEMD-160 page (A. Bosselaers,
// https://homes.esat.kuleuven.be/~bosselae/ripemd160.html), as also listed in the RIPEMD-160 paper.
#include <catch2/catch.hpp>

#include <string>

#include "idos/primitives/ripemd160.hpp"
#include "test_util.hpp"

using idos::Bytes;
using idos::test::unhex;

namespace {

Bytes rmd(const std::string& text) {
  auto d = idos::ripemd160(idos::as_bytes(text));
  return Bytes(d.begin(), d.end());
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("ripemd160 matches the Bosselaers test vectors", "[ripemd160]") {
  CHECK(rmd("") == unhex("9c1185a5c5e9fc54612808977ee8f548b2258d31"));
  CHECK(rmd("a") == unhex("0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"));
  CHECK(rmd("abc") == unhex("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"));
  CHECK(rmd("message digest") == unhex("5d0689ef49d2fae572b881b123a85ffa21595f36"));
  CHECK(rmd("abcdefghijklmnopqrstuvwxyz") == unhex("f71c27109c692c1b56bbdceb5b9d2865b3708dbc"));
  // 56 bytes: the length no longer fits in the first block, padding takes a second one.
  CHECK(rmd("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        unhex("12a053384a9c0c88e405a06c27dcf49ada62eb2b"));
  CHECK(rmd("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
        unhex("b0e20b6e3116640286ed3a87a5713079b21f5189"));
  CHECK(rmd(repeat("1234567890", 8)) == unhex("9b752e45573d4b39f4dbd3323cab82bf63326bfb"));
}

TEST_CASE("ripemd160 of one million 'a'", "[ripemd160]") {
  CHECK(rmd(std::string(1000000, 'a')) == unhex("52783243c1697bdbe16d37f97f68f08325dc1528"));
}
