#include "node_keys.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "idos/primitives/aead.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/init.hpp"

namespace idos::node {
namespace {

constexpr size_t kKeyFileBytes = 32;

Error io_error(const std::string& what, const std::string& path) {
  return make_error(ErrorCode::internal, what + " " + path + ": " + std::strerror(errno));
}

Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("open", dir);
  ::fsync(fd);
  ::close(fd);
  return ok_status();
}

// Reads a 32-byte key file, or creates it (O_EXCL, mode 0600) from `fresh` when it is missing.
Result<Secret> load_or_create_key_file(const std::string& dir, const std::string& name, const Secret& fresh) {
  const std::string path = dir + "/" + name;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return io_error("create", path);
    ByteView bytes = fresh.expose();
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n != static_cast<ssize_t>(bytes.size()) || ::fsync(fd) != 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return io_error("write", path);
    }
    ::close(fd);
    IDOS_CHECK(fsync_dir(dir));
    return fresh.clone();
  }
  if (fd < 0) return io_error("open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return io_error("stat", path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return make_error(ErrorCode::forbidden,
                      "key file " + path + " is readable or writable by group or others: chmod 600 it");
  }
  if (st.st_size != static_cast<off_t>(kKeyFileBytes)) {
    ::close(fd);
    return make_error(ErrorCode::invalid_length, "key file " + path + " must hold exactly 32 bytes");
  }
  IDOS_TRY(Secret key, Secret::allocate(kKeyFileBytes));
  auto out = key.expose_mut();
  const ssize_t n = ::read(fd, out.data(), out.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyFileBytes)) return io_error("read", path);
  return key;
}

}  // namespace

Result<NodeKeys> NodeKeys::load_or_create(const std::string& data_dir) {
  IDOS_CHECK(initialize());
  NodeKeys keys;
  {
    IDOS_TRY(Secret fresh, aead_generate_key());
    IDOS_TRY(keys.at_rest_, load_or_create_key_file(data_dir, "at_rest.key", fresh));
  }
  {
    IDOS_TRY(Ed25519KeyPair fresh_pair, ed25519_generate());
    IDOS_TRY(Secret fresh_seed, ed25519_seed(fresh_pair));
    IDOS_TRY(Secret seed, load_or_create_key_file(data_dir, "identity.key", fresh_seed));
    IDOS_TRY(keys.identity_, ed25519_from_seed(seed.expose()));
  }
  keys.node_id_ = hex_encode(keys.identity_.public_key);
  return keys;
}

bool NodeKeys::file_exists(const std::string& data_dir, const std::string& name) {
  struct stat st {};
  return ::lstat((data_dir + "/" + name).c_str(), &st) == 0;
}

std::string NodeKeys::at_rest_check() const {
  static constexpr std::string_view kLabel = "idos-node/v1 at-rest key check";
  uint8_t out[32];
  ByteView key = at_rest_.expose();
  crypto_generichash(out, sizeof out, reinterpret_cast<const uint8_t*>(kLabel.data()), kLabel.size(), key.data(),
                     key.size());
  return hex_encode(ByteView(out, sizeof out));
}

bool NodeKeys::files_unchanged(const std::string& data_dir) const {
  auto same = [&](const std::string& name, ByteView expected) {
    const std::string path = data_dir + "/" + name;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    uint8_t buf[kKeyFileBytes + 1];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    const bool equal = n == static_cast<ssize_t>(expected.size()) &&
                       sodium_memcmp(buf, expected.data(), expected.size()) == 0;
    sodium_memzero(buf, sizeof buf);
    return equal;
  };
  auto seed = ed25519_seed(identity_);
  return seed.ok() && same("at_rest.key", at_rest_.expose()) && same("identity.key", seed->expose());
}

Result<Bytes> NodeKeys::seal(ByteView plaintext, std::string_view associated_data) const {
  return aead_seal(plaintext, as_bytes(associated_data), at_rest_);
}

Result<Bytes> NodeKeys::open(ByteView sealed, std::string_view associated_data) const {
  return aead_open(sealed, as_bytes(associated_data), at_rest_);
}

Result<std::string> NodeKeys::sign_hex(std::string_view message) const {
  IDOS_TRY(Ed25519Signature sig, ed25519_sign(as_bytes(message), identity_));
  return hex_encode(sig);
}

}  // namespace idos::node
