#include "plugin.hpp"

#include <dlfcn.h>

#include <memory>

#include "idos_plugin.h"

namespace idos::node {

struct Plugin::Api {
  int32_t (*abi_version)(void);
  const char* (*version)(void);
  int32_t (*init)(void);
  void (*free_fn)(void*);
  int32_t (*validate)(const char*, size_t, const char*, size_t, int64_t, int, char**);
  int32_t (*verify_wallet_signature)(const char*, size_t, const char*, size_t, const char*, size_t, const char*,
                                     size_t, const char*, size_t, const char*, size_t, const char*, size_t,
                                     const char*, size_t, char**);
  int32_t (*canonical_wallet_identifier)(const char*, size_t, const char*, size_t, char**, size_t*, char**);
  int32_t (*access_grant_id)(const char*, size_t, const char*, size_t, int64_t, char**, size_t*, char**);
  int32_t (*signed_message)(const char*, size_t, const char*, size_t, char**, size_t*, char**);
  int32_t (*replay_key)(const char*, size_t, const char*, size_t, char**, size_t*, int64_t*, char**);
  int32_t (*derive_access_grant)(const char*, size_t, const char*, size_t, char**, size_t*, char**);
};

namespace {

template <typename F>
bool bind(void* handle, const char* name, F& out, std::string& missing) {
  dlerror();
  void* sym = dlsym(handle, name);
  if (sym == nullptr) {
    if (!missing.empty()) missing += ", ";
    missing += name;
    return false;
  }
  out = reinterpret_cast<F>(sym);
  return true;
}

// The header the node is built with and the core it links agree on the last code; a code above it
// (from a newer plugin) is one this node cannot name, so it is INTERNAL rather than a guess.
static_assert(IDOS_LAST_CODE == static_cast<int32_t>(kLastErrorCode), "idos_plugin.h and the core disagree");
ErrorCode to_code(int32_t rc) {
  if (rc < IDOS_OK || rc > IDOS_LAST_CODE) return ErrorCode::internal;
  return static_cast<ErrorCode>(rc);
}

// A text result handed out through (out, out_len) by the plugin, copied and freed.
template <typename Call>
Result<std::string> text_call(void (*free_fn)(void*), std::string_view what, Call call) {
  char* out = nullptr;
  size_t out_len = 0;
  char* err = nullptr;
  const int32_t rc = call(&out, &out_len, &err);
  std::string text = err ? err : "";
  free_fn(err);
  if (rc != IDOS_OK) {
    free_fn(out);
    return make_error(to_code(rc), text.empty() ? std::string(what) + " refused" : text);
  }
  std::string value(out ? out : "", out_len);
  free_fn(out);
  return value;
}

const char* ptr_or_null(std::optional<std::string_view> v) { return v ? v->data() : nullptr; }
size_t len_or_zero(std::optional<std::string_view> v) { return v ? v->size() : 0; }

}  // namespace

Result<Plugin*> Plugin::load(const std::string& path) {
  // RTLD_LOCAL: the plugin's own copies of the core and libsodium stay private to it.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return make_error(ErrorCode::unsupported, "cannot load plugin " + path + ": " + (why ? why : "unknown error"));
  }
  auto api = std::make_unique<Api>();
  std::string missing;
  bind(handle, "idos_plugin_abi_version", api->abi_version, missing);
  if (api->abi_version == nullptr) {
    dlclose(handle);
    return make_error(ErrorCode::unsupported,
                      "plugin " + path + " has no idos_plugin_abi_version(): not an idos plugin");
  }
  const int32_t abi = api->abi_version();
  if (abi != IDOS_PLUGIN_ABI_VERSION) {
    dlclose(handle);
    return make_error(ErrorCode::unsupported, "plugin " + path + " has ABI version " + std::to_string(abi) +
                                                  ", this node needs ABI version " +
                                                  std::to_string(IDOS_PLUGIN_ABI_VERSION) +
                                                  ": install the plugin built with this node's version");
  }
  bind(handle, "idos_plugin_version", api->version, missing);
  bind(handle, "idos_plugin_init", api->init, missing);
  bind(handle, "idos_free", api->free_fn, missing);
  bind(handle, "idos_validate", api->validate, missing);
  bind(handle, "idos_verify_wallet_signature", api->verify_wallet_signature, missing);
  bind(handle, "idos_canonical_wallet_identifier", api->canonical_wallet_identifier, missing);
  bind(handle, "idos_access_grant_id", api->access_grant_id, missing);
  bind(handle, "idos_signed_message", api->signed_message, missing);
  bind(handle, "idos_replay_key", api->replay_key, missing);
  bind(handle, "idos_derive_access_grant", api->derive_access_grant, missing);
  if (!missing.empty()) {
    dlclose(handle);
    return make_error(ErrorCode::unsupported, "plugin " + path + " lacks symbols: " + missing);
  }
  if (int32_t rc = api->init(); rc != IDOS_OK) {
    dlclose(handle);
    return make_error(ErrorCode::internal, "plugin " + path + " failed to initialise (code " + std::to_string(rc) + ")");
  }
  // The plugin lives as long as the process: never dlclose'd once loaded.
  return new Plugin(handle, api.release());
}

int32_t Plugin::abi_version() const { return api_->abi_version(); }
std::string Plugin::version() const {
  const char* v = api_->version();
  return v ? v : "";
}

Status Plugin::validate(std::string_view kind, std::string_view json, int64_t now, bool seen_before) const {
  char* message = nullptr;
  const int32_t rc =
      api_->validate(kind.data(), kind.size(), json.data(), json.size(), now, seen_before ? 1 : 0, &message);
  if (rc == IDOS_OK) {
    api_->free_fn(message);
    return ok_status();
  }
  std::string text = message ? message : "";
  api_->free_fn(message);
  return make_error(to_code(rc), text.empty() ? std::string(kind) + " refused" : text);
}

Status Plugin::verify_wallet_signature(std::string_view type, std::string_view identifier,
                                       std::optional<std::string_view> public_key, std::string_view message,
                                       std::string_view signature, std::optional<std::string_view> nonce,
                                       std::optional<std::string_view> recipient,
                                       std::optional<std::string_view> callback_url) const {
  char* err = nullptr;
  const int32_t rc = api_->verify_wallet_signature(
      type.data(), type.size(), identifier.data(), identifier.size(), ptr_or_null(public_key), len_or_zero(public_key),
      message.data(), message.size(), signature.data(), signature.size(), ptr_or_null(nonce), len_or_zero(nonce),
      ptr_or_null(recipient), len_or_zero(recipient), ptr_or_null(callback_url), len_or_zero(callback_url), &err);
  std::string text = err ? err : "";
  api_->free_fn(err);
  if (rc == IDOS_OK) return ok_status();
  return make_error(to_code(rc), text.empty() ? "wallet signature refused" : text);
}

Result<std::string> Plugin::canonical_wallet_identifier(std::string_view type, std::string_view identifier) const {
  char* out = nullptr;
  size_t out_len = 0;
  char* err = nullptr;
  const int32_t rc = api_->canonical_wallet_identifier(type.data(), type.size(), identifier.data(), identifier.size(),
                                                       &out, &out_len, &err);
  std::string text = err ? err : "";
  api_->free_fn(err);
  if (rc != IDOS_OK) {
    api_->free_fn(out);
    return make_error(to_code(rc), text.empty() ? "wallet identifier refused" : text);
  }
  std::string value(out ? out : "", out_len);
  api_->free_fn(out);
  return value;
}

Result<std::string> Plugin::access_grant_id(std::string_view grantee, std::string_view data_id,
                                            int64_t locked_until) const {
  char* out = nullptr;
  size_t out_len = 0;
  char* err = nullptr;
  const int32_t rc = api_->access_grant_id(grantee.data(), grantee.size(), data_id.data(), data_id.size(),
                                           locked_until, &out, &out_len, &err);
  std::string text = err ? err : "";
  api_->free_fn(err);
  if (rc != IDOS_OK) {
    api_->free_fn(out);
    return make_error(to_code(rc), text.empty() ? "access grant id refused" : text);
  }
  std::string value(out ? out : "", out_len);
  api_->free_fn(out);
  return value;
}

Result<std::string> Plugin::signed_message(std::string_view kind, std::string_view json) const {
  return text_call(api_->free_fn, kind, [&](char** out, size_t* out_len, char** err) {
    return api_->signed_message(kind.data(), kind.size(), json.data(), json.size(), out, out_len, err);
  });
}

Result<Plugin::ReplayKey> Plugin::replay_key(std::string_view kind, std::string_view json) const {
  int64_t keep_until = 0;
  auto key = text_call(api_->free_fn, kind, [&](char** out, size_t* out_len, char** err) {
    return api_->replay_key(kind.data(), kind.size(), json.data(), json.size(), out, out_len, &keep_until, err);
  });
  if (!key.ok()) return key.error();
  return ReplayKey{std::move(key).value(), keep_until};
}

Result<std::string> Plugin::derive_access_grant(std::string_view kind, std::string_view json) const {
  return text_call(api_->free_fn, kind, [&](char** out, size_t* out_len, char** err) {
    return api_->derive_access_grant(kind.data(), kind.size(), json.data(), json.size(), out, out_len, err);
  });
}

}  // namespace idos::node
