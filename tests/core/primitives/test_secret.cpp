#include <catch2/catch.hpp>

#include <type_traits>

#include "idos/primitives/secret.hpp"

using namespace idos;

static_assert(!std::is_copy_constructible_v<Secret>, "secrets must not copy implicitly");
static_assert(!std::is_copy_assignable_v<Secret>, "secrets must not copy implicitly");
static_assert(std::is_nothrow_move_constructible_v<Secret>);

TEST_CASE("Secret holds, moves, clones and compares in constant time", "[secret]") {
  const uint8_t raw[] = {1, 2, 3, 4};
  auto s = Secret::copy_of(raw);
  REQUIRE(s.ok());
  CHECK(s->size() == 4);
  CHECK(s->expose()[2] == 3);

  Secret moved = std::move(*s);
  CHECK(moved.size() == 4);
  CHECK(s->size() == 0);  // NOLINT: moved-from is empty by contract

  auto copy = moved.clone();
  REQUIRE(copy.ok());
  CHECK(copy->equals(moved));
  copy->expose_mut()[0] ^= 1;
  CHECK_FALSE(copy->equals(moved));

  CHECK(constant_time_equal(Bytes{1, 2}, Bytes{1, 2}));
  CHECK_FALSE(constant_time_equal(Bytes{1, 2}, Bytes{1, 2, 3}));
}

TEST_CASE("wipe zeroes buffers", "[secret]") {
  Bytes b{9, 9, 9};
  wipe(b);
  CHECK(b == Bytes{0, 0, 0});
  std::string text = "hunter2";
  wipe(text);
  CHECK(text.empty());
}
