// RIPEMD-160, written from Dobbertin, Bosselaers and Preneel, "RIPEMD-160: A Strengthened Version
// of RIPEMD" (FSE 1996); see ripemd160.hpp for why it is hand-written.
//
// The paper defines the word order of each line through the permutations rho and pi
// (left line, round j: rho^j; right line: rho^j . pi) and the shifts through one table indexed by
// round and message word; the per-step tables below are derived from those at compile time.
#include "idos/primitives/ripemd160.hpp"

#include <cstring>

namespace idos {
namespace {

constexpr size_t kBlockBytes = 64;
using Words = std::array<uint32_t, 16>;

constexpr uint32_t rotl(uint32_t v, unsigned n) { return n == 0 ? v : (v << n) | (v >> (32 - n)); }

// The paper's rho and pi(i) = 9i + 5 mod 16.
constexpr std::array<uint8_t, 16> kRho = {7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8};

// Shifts s[round][word]: the amount applied when message word X_word is used in that round
// (same table for both lines).
constexpr uint8_t kShiftByWord[5][16] = {
    {11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8},
    {12, 13, 11, 15, 6, 9, 9, 7, 12, 15, 11, 13, 7, 8, 7, 7},
    {13, 15, 14, 11, 7, 7, 6, 8, 13, 14, 13, 12, 5, 5, 6, 9},
    {14, 11, 12, 14, 8, 6, 5, 5, 15, 12, 15, 14, 9, 9, 8, 6},
    {15, 12, 13, 13, 9, 5, 8, 6, 14, 11, 12, 11, 8, 6, 5, 5},
};

constexpr uint32_t kLeftK[5] = {0x00000000u, 0x5A827999u, 0x6ED9EBA1u, 0x8F1BBCDCu, 0xA953FD4Eu};
constexpr uint32_t kRightK[5] = {0x50A28BE6u, 0x5C4DD124u, 0x6D703EF3u, 0x7A6D76E9u, 0x00000000u};

struct Schedule {
  uint8_t word[80];
  uint8_t shift[80];
};

constexpr Schedule make_schedule(bool right_line) {
  Schedule s{};
  for (unsigned i = 0; i < 16; ++i) {
    unsigned w = right_line ? (9 * i + 5) % 16 : i;  // round 0: id (left) or pi (right)
    for (unsigned round = 0; round < 5; ++round) {
      s.word[16 * round + i] = static_cast<uint8_t>(w);
      s.shift[16 * round + i] = kShiftByWord[round][w];
      w = kRho[w];  // next round applies rho once more
    }
  }
  return s;
}

constexpr Schedule kLeft = make_schedule(false);
constexpr Schedule kRight = make_schedule(true);

// Spot checks against the per-step tables printed in the paper.
static_assert(kLeft.word[16] == 7 && kLeft.word[79] == 13 && kLeft.shift[16] == 7 && kLeft.shift[79] == 6);
static_assert(kRight.word[0] == 5 && kRight.word[79] == 11 && kRight.shift[0] == 8 && kRight.shift[79] == 11);

// f_1 .. f_5 of the paper (index 0..4). The left line uses them in order, the right in reverse.
constexpr uint32_t f(unsigned j, uint32_t x, uint32_t y, uint32_t z) {
  switch (j) {
    case 0: return x ^ y ^ z;
    case 1: return (x & y) | (~x & z);
    case 2: return (x | ~y) ^ z;
    case 3: return (x & z) | (y & ~z);
    default: return x ^ (y | ~z);
  }
}

void compress(std::array<uint32_t, 5>& h, const uint8_t* block) {
  Words x{};
  for (size_t i = 0; i < 16; ++i) {
    x[i] = uint32_t{block[4 * i]} | uint32_t{block[4 * i + 1]} << 8 | uint32_t{block[4 * i + 2]} << 16 |
           uint32_t{block[4 * i + 3]} << 24;
  }
  uint32_t al = h[0], bl = h[1], cl = h[2], dl = h[3], el = h[4];
  uint32_t ar = h[0], br = h[1], cr = h[2], dr = h[3], er = h[4];
  for (unsigned step = 0; step < 80; ++step) {
    unsigned round = step / 16;
    uint32_t t = rotl(al + f(round, bl, cl, dl) + x[kLeft.word[step]] + kLeftK[round], kLeft.shift[step]) + el;
    al = el;
    el = dl;
    dl = rotl(cl, 10);
    cl = bl;
    bl = t;
    t = rotl(ar + f(4 - round, br, cr, dr) + x[kRight.word[step]] + kRightK[round], kRight.shift[step]) + er;
    ar = er;
    er = dr;
    dr = rotl(cr, 10);
    cr = br;
    br = t;
  }
  uint32_t t = h[1] + cl + dr;
  h[1] = h[2] + dl + er;
  h[2] = h[3] + el + ar;
  h[3] = h[4] + al + br;
  h[4] = h[0] + bl + cr;
  h[0] = t;
}

}  // namespace

Ripemd160Digest ripemd160(ByteView data) {
  std::array<uint32_t, 5> h = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  size_t offset = 0;
  while (data.size() - offset >= kBlockBytes) {
    compress(h, data.data() + offset);
    offset += kBlockBytes;
  }
  // MD4-style padding: 0x80, zeros, then the bit length as a 64-bit little-endian integer.
  // One final block if the rest leaves room for the 9 bytes, else two.
  uint8_t tail[2 * kBlockBytes] = {};
  size_t rest = data.size() - offset;
  if (rest > 0) std::memcpy(tail, data.data() + offset, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 9 <= kBlockBytes ? kBlockBytes : 2 * kBlockBytes;
  uint64_t bit_len = static_cast<uint64_t>(data.size()) * 8;
  for (size_t k = 0; k < 8; ++k) tail[tail_len - 8 + k] = static_cast<uint8_t>(bit_len >> (8 * k));
  for (size_t off = 0; off < tail_len; off += kBlockBytes) compress(h, tail + off);

  Ripemd160Digest out{};
  for (size_t i = 0; i < 5; ++i) {
    for (size_t k = 0; k < 4; ++k) out[4 * i + k] = static_cast<uint8_t>(h[i] >> (8 * k));
  }
  return out;
}

}  // namespace idos
