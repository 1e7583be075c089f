// Keccak-256 (original Keccak padding), written from "The Keccak reference" v3.0; see keccak.hpp
// for why it is hand-written. The round constants and rotation offsets are derived at compile time
// from their definitions in the reference (the rc(t) LFSR and the (x, y) -> (y, 2x + 3y) walk)
// rather than typed in as tables.
#include "idos/primitives/keccak.hpp"

#include <cstring>

namespace idos {
namespace {

constexpr size_t kRounds = 24;           // Keccak-f[1600]: 12 + 2*l rounds, l = 6
constexpr size_t kRateBytes = 136;       // r = 1600 - c, c = 2 * 256 bits
constexpr uint8_t kKeccakPadFirst = 0x01;  // pad10*1 starts with a single 1 bit (LSB first)
constexpr uint8_t kKeccakPadLast = 0x80;   // ... and ends with a 1 bit in the last byte of the block

using State = std::array<uint64_t, 25>;  // lane (x, y) is state[x + 5 * y]

constexpr uint64_t rotl(uint64_t v, unsigned n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

// rc(t) from the reference: the output bit of the LFSR x^8 + x^6 + x^5 + x^4 + 1 after t steps.
constexpr bool rc_bit(unsigned t) {
  unsigned r = 1;  // R[0] = 1, R[1..7] = 0
  for (unsigned i = 0; i < t % 255; ++i) {
    r <<= 1;
    if (r & 0x100) r ^= 0x171;  // feed R[8] back into R[0], R[4], R[5], R[6] and drop it
  }
  return (r & 1) != 0;
}

constexpr std::array<uint64_t, kRounds> make_round_constants() {
  std::array<uint64_t, kRounds> rc{};
  for (unsigned round = 0; round < kRounds; ++round) {
    for (unsigned j = 0; j <= 6; ++j) {
      if (rc_bit(j + 7 * round)) rc[round] |= uint64_t{1} << ((1u << j) - 1);
    }
  }
  return rc;
}

// The rho-and-pi walk: starting at lane (1, 0), (x, y) -> (y, 2x + 3y) visits the 24 other lanes;
// the lane moved at step t is rotated by (t+1)(t+2)/2 mod 64. Walking it in place (each lane moves
// to the next position of the walk) needs no second state array.
struct RhoPiWalk {
  std::array<unsigned, 24> lane{};    // x + 5y of the position reached at step t
  std::array<unsigned, 24> rotation{};
};
constexpr RhoPiWalk make_rho_pi_walk() {
  RhoPiWalk w{};
  unsigned x = 1, y = 0;
  for (unsigned t = 0; t < 24; ++t) {
    unsigned nx = y;
    unsigned ny = (2 * x + 3 * y) % 5;
    x = nx;
    y = ny;
    w.lane[t] = x + 5 * y;
    w.rotation[t] = ((t + 1) * (t + 2) / 2) % 64;
  }
  return w;
}

constexpr auto kRoundConstants = make_round_constants();
constexpr auto kRhoPi = make_rho_pi_walk();

// Spot checks against the values printed in the reference, so a slip in the derivation above
// fails the build rather than the test vectors.
static_assert(kRoundConstants[0] == 0x0000000000000001ULL);
static_assert(kRoundConstants[1] == 0x0000000000008082ULL);
static_assert(kRoundConstants[23] == 0x8000000080008008ULL);
static_assert(kRhoPi.lane[0] == 10 && kRhoPi.lane[1] == 7 && kRhoPi.lane[23] == 1);
static_assert(kRhoPi.rotation[0] == 1 && kRhoPi.rotation[1] == 3 && kRhoPi.rotation[23] == 44);

// The small fixed loops are unrolled explicitly (-O2 leaves them rolled, at about 2.5x the cost):
// the modular indices then fold to constants.
void keccak_f1600(State& a) {
  for (size_t round = 0; round < kRounds; ++round) {
    // theta
    uint64_t c[5];
#pragma GCC unroll 5
    for (size_t x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
    for (size_t x = 0; x < 5; ++x) {
      const uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
#pragma GCC unroll 5
      for (size_t y = 0; y < 25; y += 5) a[x + y] ^= d;
    }
    // rho and pi, in place along the walk
    uint64_t moving = a[1];
#pragma GCC unroll 24
    for (size_t t = 0; t < 24; ++t) {
      const unsigned target = kRhoPi.lane[t];
      const uint64_t displaced = a[target];
      a[target] = rotl(moving, kRhoPi.rotation[t]);
      moving = displaced;
    }
    // chi, one row at a time
#pragma GCC unroll 5
    for (size_t y = 0; y < 25; y += 5) {
      const uint64_t row[5] = {a[y], a[y + 1], a[y + 2], a[y + 3], a[y + 4]};
#pragma GCC unroll 5
      for (size_t x = 0; x < 5; ++x) a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
    }
    // iota
    a[0] ^= kRoundConstants[round];
  }
}

// XORs one rate-sized block into the state; lanes are little-endian.
void absorb_block(State& state, const uint8_t* block) {
  for (size_t i = 0; i < kRateBytes / 8; ++i) {
    uint64_t lane = 0;
    for (size_t k = 0; k < 8; ++k) lane |= uint64_t{block[8 * i + k]} << (8 * k);
    state[i] ^= lane;
  }
  keccak_f1600(state);
}

}  // namespace

Keccak256Digest keccak256_digest(ByteView data) {
  State state{};
  size_t offset = 0;
  while (data.size() - offset >= kRateBytes) {
    absorb_block(state, data.data() + offset);
    offset += kRateBytes;
  }
  // Last (possibly empty) partial block plus padding. With 135 bytes left both pad bits land in
  // the same byte (0x81); with 0 left the padding fills a whole block of its own.
  std::array<uint8_t, kRateBytes> last{};
  size_t rest = data.size() - offset;
  if (rest > 0) std::memcpy(last.data(), data.data() + offset, rest);
  last[rest] ^= kKeccakPadFirst;
  last[kRateBytes - 1] ^= kKeccakPadLast;
  absorb_block(state, last.data());

  Keccak256Digest out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  return out;
}

Bytes keccak256(ByteView data) {
  auto digest = keccak256_digest(data);
  return Bytes(digest.begin(), digest.end());
}

}  // namespace idos
