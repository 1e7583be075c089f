// Secret byte buffers: held in libsodium's guarded allocation (locked pages natively), wiped on
// destruction, move-only, and never printable. Reading the bytes takes an explicit call to
// `expose()`, so every place that touches raw secret material is easy to find in review.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

class Secret {
 public:
  Secret() = default;
  // Allocates `size` zeroed bytes. Check `valid()` (allocation can fail), or use `allocate()`.
  explicit Secret(size_t size);
  static Result<Secret> allocate(size_t size);
  // Copies `bytes` into a new secret (the caller wipes its own copy).
  static Result<Secret> copy_of(ByteView bytes);

  ~Secret();
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  // An explicit, visible copy (never implicit).
  Result<Secret> clone() const;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool valid() const { return data_ != nullptr || size_ == 0; }

  std::span<uint8_t> expose_mut() { return {data_, size_}; }
  ByteView expose() const { return {data_, size_}; }

  // Constant-time comparison (sodium_memcmp): false on different sizes.
  bool equals(const Secret& other) const;

 private:
  void release() noexcept;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Constant-time equality of two byte strings of equal length (false if lengths differ).
bool constant_time_equal(ByteView a, ByteView b);

// Overwrites a buffer with zeros in a way the compiler cannot elide.
void wipe(std::span<uint8_t> bytes);
inline void wipe(Bytes& bytes) { wipe(std::span<uint8_t>(bytes)); }
void wipe(std::string& text);

}  // namespace idos
