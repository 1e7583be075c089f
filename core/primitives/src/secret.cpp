#include "idos/primitives/secret.hpp"

#include <sodium.h>

#include <cstring>
#include <string>
#include <utility>

#include "idos/primitives/init.hpp"

namespace idos {

Secret::Secret(size_t size) {
  if (size == 0) return;
  if (!initialize().ok()) return;
  // sodium_malloc: guard pages and mlock where the platform has them; sodium_free wipes.
  data_ = static_cast<uint8_t*>(sodium_malloc(size));
  if (data_ == nullptr) return;
  std::memset(data_, 0, size);
  size_ = size;
}

Result<Secret> Secret::allocate(size_t size) {
  Secret s(size);
  if (!s.valid() || s.size() != size) return make_error(ErrorCode::internal, "cannot allocate secret memory");
  return s;
}

Result<Secret> Secret::copy_of(ByteView bytes) {
  IDOS_TRY(Secret s, allocate(bytes.size()));
  if (!bytes.empty()) std::memcpy(s.data_, bytes.data(), bytes.size());
  return s;
}

Secret::~Secret() { release(); }

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void Secret::release() noexcept {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free zeroes before freeing
  data_ = nullptr;
  size_ = 0;
}

Result<Secret> Secret::clone() const { return copy_of(expose()); }

bool Secret::equals(const Secret& other) const { return constant_time_equal(expose(), other.expose()); }

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(std::span<uint8_t> bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

void wipe(std::string& text) {
  if (!text.empty()) sodium_memzero(text.data(), text.size());
  text.clear();
}

}  // namespace idos
