// The Idos-Signed-Request header (docs/spec/requests.md), read in two places with one rule set:
// the HTTP edge authenticates a caller with it at the wall clock, and Ledger::apply() verifies it
// again at the log entry's time, because a transaction carries the caller's signed request itself
// (an operator holding log credentials cannot write in a user's name: docs/cluster.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "idos/primitives/result.hpp"
#include "plugin.hpp"

namespace idos::node {

// Largest header value accepted (base64 of the document).
inline constexpr size_t kMaxSignedRequestHeader = 8192;

struct SignedRequest {
  std::string text;            // the signed_request document (the header, base64-decoded)
  nlohmann::json doc;          // parsed (an object)
  std::string request_sha256;  // hex SHA-256 of `text`: names this exact request (method, path, body, nonce)
};

// base64 → strict JSON object (size-limited). Does not judge the signature.
Result<SignedRequest> decode_signed_request(std::string_view header_value);

struct Caller {
  std::string wallet;  // canonical identifier
  std::string wallet_type;
  std::string public_key;  // XRPL only
};

// The plugin's verdict on the document at `now` (`seen_before`: its replay key was used), then
// the binding to the request actually made: method, path and SHA-256 of the body (MISMATCH).
// Returns the caller with its canonical wallet identifier.
Result<Caller> verify_signed_request(const Plugin& plugin, const SignedRequest& request, int64_t now, bool seen_before,
                                     std::string_view method, std::string_view path, std::string_view body);

}  // namespace idos::node
