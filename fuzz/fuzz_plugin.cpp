// One libFuzzer target per C ABI entry point: this file is compiled once per entry with
// IDOS_FUZZ_ENTRY_<name> defined (fuzz/CMakeLists.txt).
//
// Input layouts (the seed corpus from tests/vectors/ is written in them, scripts/test.d/plugin.sh):
//   validate                   kind 0x1F json
//   verify_<kind>, check_<kind> json
//   verify_wallet_signature    type 0x1F identifier 0x1F public_key 0x1F message 0x1F signature
//                              0x1F nonce 0x1F recipient 0x1F callback_url   (empty optional = absent)
//   canonical_wallet_identifier type 0x1F identifier
//   access_grant_id            grantee 0x1F data_id 0x1F locked_until (decimal)
//   content_hash               raw bytes
//   canonical_json             json
//   ed25519_verify             public_key[32] signature[64] message (shorter inputs split in three)
//   signed_message, replay_key, derive_access_grant   kind 0x1F json
//   verify_wallet_signature_with   as verify_wallet_signature, then 0x1F scheme 0x1F expected_recipient
//   access_grant_id_as_supplied    as access_grant_id
//
// Besides "no crash, no sanitizer report", every call must keep the ABI's promises: a code in the
// enum, an error message exactly on failure, a NUL-terminated output of the stated length on
// success; canonical JSON and canonical identifiers are fixed points.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "idos_plugin.h"

namespace {

[[maybe_unused]] std::vector<std::string_view> split(std::string_view s, size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    size_t at = s.find('\x1f');
    if (at == std::string_view::npos) break;
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + 1);
  }
  out.push_back(s);
  while (out.size() < parts) out.emplace_back();
  return out;
}

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// The promises every call keeps; frees the message.
void check_verdict(int32_t code, char* message) {
  require(code >= IDOS_OK && code <= IDOS_LAST_CODE);
  require((code == IDOS_OK) == (message == nullptr));
  require(code != IDOS_INTERNAL);  // an input is never an internal failure
  idos_free(message);
}

[[maybe_unused]] void check_text(int32_t code, char* message, char* out, size_t out_len) {
  check_verdict(code, message);
  if (code == IDOS_OK) {
    require(out != nullptr && std::strlen(out) == out_len);
  } else {
    require(out == nullptr && out_len == 0);
  }
}

// Optional text: an empty field is "absent" (NULL, 0).
[[maybe_unused]] const char* opt_ptr(std::string_view s) { return s.empty() ? nullptr : s.data(); }

[[maybe_unused]] int64_t now_for(size_t size) {
  // Around the vectors' times (2026-01-01), varied by the input so both sides of windows are hit.
  return 1767225600 + static_cast<int64_t>(size % 200000) - 100000;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  require(idos_plugin_init() == IDOS_OK);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* text = reinterpret_cast<const char*>(data);
  [[maybe_unused]] const std::string_view input(text, size);
  char* message = nullptr;
  [[maybe_unused]] char* out = nullptr;
  [[maybe_unused]] size_t out_len = 0;
  [[maybe_unused]] const int seen = static_cast<int>(size & 1);

#if defined(IDOS_FUZZ_ENTRY_validate)
  auto f = split(input, 2);
  check_verdict(idos_validate(f[0].data(), f[0].size(), f[1].data(), f[1].size(), now_for(size), seen, &message),
                message);
#elif defined(IDOS_FUZZ_ENTRY_verify_credential)
  check_verdict(idos_verify_credential(text, size, &message), message);
#elif defined(IDOS_FUZZ_ENTRY_verify_credential_proof)
  check_verdict(idos_verify_credential_proof(text, size, now_for(size), &message), message);
#elif defined(IDOS_FUZZ_ENTRY_check_access_grant)
  check_verdict(idos_check_access_grant(text, size, &message), message);
#elif defined(IDOS_FUZZ_ENTRY_verify_delegated_access_grant)
  check_verdict(idos_verify_delegated_access_grant(text, size, seen, &message), message);
#elif defined(IDOS_FUZZ_ENTRY_verify_delegated_write_grant)
  check_verdict(idos_verify_delegated_write_grant(text, size, now_for(size), seen, &message), message);
#elif defined(IDOS_FUZZ_ENTRY_check_revoke_allowed)
  check_verdict(idos_check_revoke_allowed(text, size, now_for(size), &message), message);
#elif defined(IDOS_FUZZ_ENTRY_verify_read_request)
  check_verdict(idos_verify_read_request(text, size, now_for(size), seen, &message), message);
#elif defined(IDOS_FUZZ_ENTRY_verify_signed_request)
  check_verdict(idos_verify_signed_request(text, size, now_for(size), seen, &message), message);
#elif defined(IDOS_FUZZ_ENTRY_verify_wallet_signature)
  auto f = split(input, 8);
  check_verdict(idos_verify_wallet_signature(f[0].data(), f[0].size(), f[1].data(), f[1].size(), opt_ptr(f[2]),
                                             f[2].size(), f[3].data(), f[3].size(), f[4].data(), f[4].size(),
                                             opt_ptr(f[5]), f[5].size(), opt_ptr(f[6]), f[6].size(), opt_ptr(f[7]),
                                             f[7].size(), &message),
                message);
#elif defined(IDOS_FUZZ_ENTRY_canonical_wallet_identifier)
  auto f = split(input, 2);
  int32_t code = idos_canonical_wallet_identifier(f[0].data(), f[0].size(), f[1].data(), f[1].size(), &out, &out_len,
                                                  &message);
  check_text(code, message, out, out_len);
  if (code == IDOS_OK) {
    char* again = nullptr;
    size_t again_len = 0;
    require(idos_canonical_wallet_identifier(f[0].data(), f[0].size(), out, out_len, &again, &again_len, nullptr) ==
            IDOS_OK);
    require(again_len == out_len && std::memcmp(again, out, out_len) == 0);
    idos_free(again);
  }
  idos_free(out);
#elif defined(IDOS_FUZZ_ENTRY_access_grant_id)
  auto f = split(input, 3);
  int64_t lock = 0;
  for (char c : f[2].substr(0, 18)) lock = lock * 10 + (c >= '0' && c <= '9' ? c - '0' : 0);
  if (!f[2].empty() && f[2][0] == '-') lock = -lock;
  int32_t code = idos_access_grant_id(f[0].data(), f[0].size(), f[1].data(), f[1].size(), lock, &out, &out_len, &message);
  check_text(code, message, out, out_len);
  require(code != IDOS_OK || out_len == 36);
  idos_free(out);
#elif defined(IDOS_FUZZ_ENTRY_content_hash)
  int32_t code = idos_content_hash(data, size, &out, &out_len, &message);
  check_text(code, message, out, out_len);
  require(code != IDOS_OK || out_len == 64);
  idos_free(out);
#elif defined(IDOS_FUZZ_ENTRY_canonical_json)
  int32_t code = idos_canonical_json(text, size, &out, &out_len, &message);
  check_text(code, message, out, out_len);
  if (code == IDOS_OK) {
    char* again = nullptr;
    size_t again_len = 0;
    require(idos_canonical_json(out, out_len, &again, &again_len, nullptr) == IDOS_OK);
    require(again_len == out_len && std::memcmp(again, out, out_len) == 0);
    idos_free(again);
  }
  idos_free(out);
#elif defined(IDOS_FUZZ_ENTRY_ed25519_verify)
  size_t key_len = size < 32 ? size : 32;
  size_t sig_len = size - key_len < 64 ? size - key_len : 64;
  check_verdict(idos_ed25519_verify(data + key_len + sig_len, size - key_len - sig_len, data + key_len, sig_len, data,
                                    key_len, &message),
                message);
#elif defined(IDOS_FUZZ_ENTRY_verify_wallet_signature_with)
  auto f = split(input, 10);
  check_verdict(idos_verify_wallet_signature_with(f[0].data(), f[0].size(), f[1].data(), f[1].size(), opt_ptr(f[2]),
                                                  f[2].size(), f[3].data(), f[3].size(), f[4].data(), f[4].size(),
                                                  opt_ptr(f[5]), f[5].size(), opt_ptr(f[6]), f[6].size(),
                                                  opt_ptr(f[7]), f[7].size(), opt_ptr(f[8]), f[8].size(),
                                                  opt_ptr(f[9]), f[9].size(), &message),
                message);
#elif defined(IDOS_FUZZ_ENTRY_access_grant_id_as_supplied)
  auto f = split(input, 3);
  int64_t lock = 0;
  for (char c : f[2].substr(0, 18)) lock = lock * 10 + (c >= '0' && c <= '9' ? c - '0' : 0);
  if (!f[2].empty() && f[2][0] == '-') lock = -lock;
  int32_t code = idos_access_grant_id_as_supplied(f[0].data(), f[0].size(), f[1].data(), f[1].size(), lock, &out,
                                                  &out_len, &message);
  check_text(code, message, out, out_len);
  require(code != IDOS_OK || out_len == 36);
  idos_free(out);
#elif defined(IDOS_FUZZ_ENTRY_signed_message)
  auto f = split(input, 2);
  int32_t code = idos_signed_message(f[0].data(), f[0].size(), f[1].data(), f[1].size(), &out, &out_len, &message);
  check_text(code, message, out, out_len);
  // Every message is "operation: <name>\n..." lines, never empty, never a trailing line break;
  // except the node log entry (docs/spec/receipts.md): "idos-log-entry/v1\n" lines, each ending in LF.
  static constexpr std::string_view kLogEntry = "idos-log-entry/v1\n";
  const bool log_entry = out_len > kLogEntry.size() && std::memcmp(out, kLogEntry.data(), kLogEntry.size()) == 0 &&
                         out[out_len - 1] == '\n';
  require(code != IDOS_OK || log_entry ||
          (out_len > 11 && std::memcmp(out, "operation: ", 11) == 0 && out[out_len - 1] != '\n'));
  idos_free(out);
#elif defined(IDOS_FUZZ_ENTRY_replay_key)
  auto f = split(input, 2);
  int64_t keep_until = -1;
  int32_t code =
      idos_replay_key(f[0].data(), f[0].size(), f[1].data(), f[1].size(), &out, &out_len, &keep_until, &message);
  check_text(code, message, out, out_len);
  require(code == IDOS_OK ? (out_len > 0 && keep_until >= 0) : keep_until == 0);
  idos_free(out);
#elif defined(IDOS_FUZZ_ENTRY_derive_access_grant)
  auto f = split(input, 2);
  int32_t code =
      idos_derive_access_grant(f[0].data(), f[0].size(), f[1].data(), f[1].size(), &out, &out_len, &message);
  check_text(code, message, out, out_len);
  if (code == IDOS_OK) {
    // A derived grant is a valid access grant, and already canonical JSON.
    require(idos_validate("access_grant", 12, out, out_len, 0, 0, nullptr) == IDOS_OK);
    char* again = nullptr;
    size_t again_len = 0;
    require(idos_canonical_json(out, out_len, &again, &again_len, nullptr) == IDOS_OK);
    require(again_len == out_len && std::memcmp(again, out, out_len) == 0);
    idos_free(again);
  }
  idos_free(out);
#else
#error "define IDOS_FUZZ_ENTRY_<entry point>"
#endif
  return 0;
}
