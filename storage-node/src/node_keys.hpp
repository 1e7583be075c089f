// The node's own keys, each in a file of the data folder created on first start with mode 0600
// (the node refuses to start when a key file is readable by group or others):
//
// - `at_rest.key`: 32 random bytes, the XChaCha20-Poly1305 key under which every stored document
//   is sealed again ("encrypted at rest"). The associated data binds a sealed value to its table
//   and id, so rows cannot be swapped. Reading a user's credential therefore needs this key AND the
//   user's (or grantee's) X25519 key.
// - `identity.key`: the 32-byte Ed25519 seed of the node's identity. Its public key (64 hex) is the
//   node id; receipts are signed with it.
#pragma once

#include <cstdint>
#include <string>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/secret.hpp"
#include "idos/primitives/sign.hpp"

namespace idos::node {

struct Receipt {
  std::string node_id;          // 64 hex: the node's Ed25519 public key
  std::string write_operation;  // e.g. "create_user", "put_credential"
  std::string object_id;
  std::string sha256;           // 64 hex of the canonical bytes stored
  int64_t log_position = 0;
  std::string time;             // RFC 3339 (the entry's log time)
  std::string signature;        // 128 hex Ed25519 over the plugin's node_receipt message
};


class NodeKeys {
 public:
  // Loads both keys from `data_dir`, creating missing ones.
  static Result<NodeKeys> load_or_create(const std::string& data_dir);
  // Whether the key file `name` ("at_rest.key", "identity.key") exists in `data_dir`.
  static bool file_exists(const std::string& data_dir, const std::string& name);

  // A keyed hash of the at-rest key (64 hex): recorded with the state so a start with another key
  // file is refused, without the record revealing the key.
  std::string at_rest_check() const;
  // Whether both key files in `data_dir` still hold the keys loaded at start.
  bool files_unchanged(const std::string& data_dir) const;

  const std::string& node_id() const { return node_id_; }
  Result<Bytes> seal(ByteView plaintext, std::string_view associated_data) const;
  Result<Bytes> open(ByteView sealed, std::string_view associated_data) const;
  // Ed25519 with the identity key over `message` (which the plugin built): 128 lowercase hex.
  Result<std::string> sign_hex(std::string_view message) const;

 private:
  Secret at_rest_;
  Ed25519KeyPair identity_;
  std::string node_id_;
};

}  // namespace idos::node
