// The validation plugin (libidos_plugin.so), loaded at run time with dlopen: the node has no
// link-time dependency on it, and every rule of the grant, credential and request formats is
// decided by it (docs/spec/). The loader refuses a library whose ABI version differs from the
// header the node was built against.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "idos/primitives/result.hpp"

namespace idos::node {

class Plugin {
 public:
  // dlopen + dlsym of every entry point + ABI check + idos_plugin_init().
  // Errors (unsupported / internal) carry a message fit for the operator.
  static Result<Plugin*> load(const std::string& path);

  int32_t abi_version() const;
  std::string version() const;

  // idos_validate: the verdict of `kind` on `json` at `now`.
  Status validate(std::string_view kind, std::string_view json, int64_t now, bool seen_before) const;
  // idos_verify_wallet_signature: ok, verify_failed, or a malformed-input code.
  Status verify_wallet_signature(std::string_view type, std::string_view identifier,
                                 std::optional<std::string_view> public_key, std::string_view message,
                                 std::string_view signature, std::optional<std::string_view> nonce,
                                 std::optional<std::string_view> recipient,
                                 std::optional<std::string_view> callback_url) const;
  Result<std::string> canonical_wallet_identifier(std::string_view type, std::string_view identifier) const;
  Result<std::string> access_grant_id(std::string_view grantee, std::string_view data_id, int64_t locked_until) const;
  // idos_signed_message: the exact bytes signed for `kind` (the node signs its receipts' with it).
  Result<std::string> signed_message(std::string_view kind, std::string_view json) const;
  // idos_replay_key: the single-use value of a document and how long it must be remembered.
  struct ReplayKey {
    std::string key;
    int64_t keep_until = 0;  // unix seconds; 0 = forever
  };
  Result<ReplayKey> replay_key(std::string_view kind, std::string_view json) const;
  // idos_derive_access_grant: the access grant (canonical JSON) a share, DWG write or DAG creates.
  Result<std::string> derive_access_grant(std::string_view kind, std::string_view json) const;

 private:
  struct Api;
  explicit Plugin(void* handle, const Api* api) : handle_(handle), api_(api) {}
  void* handle_;
  const Api* api_;
};

}  // namespace idos::node
