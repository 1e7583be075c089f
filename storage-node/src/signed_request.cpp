#include "signed_request.hpp"

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"

namespace idos::node {

Result<SignedRequest> decode_signed_request(std::string_view header_value) {
  auto raw = base64_decode(header_value, kMaxSignedRequestHeader);
  if (!raw.ok()) return make_error(raw.code(), "Idos-Signed-Request: " + raw.error().message);
  SignedRequest out;
  out.text = std::string(as_text(*raw));
  auto doc = parse_json(out.text, JsonLimits{kMaxSignedRequestHeader, 4});
  if (!doc.ok()) return make_error(doc.code(), "Idos-Signed-Request: " + doc.error().message);
  if (!doc->is_object()) return make_error(ErrorCode::invalid_input, "Idos-Signed-Request: not a JSON object");
  out.doc = std::move(*doc);
  out.request_sha256 = hex_encode(sha256(as_bytes(out.text)));
  return out;
}

Result<Caller> verify_signed_request(const Plugin& plugin, const SignedRequest& request, int64_t now, bool seen_before,
                                     std::string_view method, std::string_view path, std::string_view body) {
  IDOS_CHECK(plugin.validate("signed_request", request.text, now, seen_before));
  // The validator accepted it, so these members exist and are strings.
  const auto& d = request.doc;
  if (d["method"].get<std::string>() != method) {
    return make_error(ErrorCode::mismatch, "signed method is not this request's method");
  }
  if (d["path"].get<std::string>() != path) return make_error(ErrorCode::mismatch, "signed path is not this request's path");
  if (d["body_sha256"].get<std::string>() != hex_encode(sha256(as_bytes(body)))) {
    return make_error(ErrorCode::mismatch, "signed body_sha256 is not the SHA-256 of this request's body");
  }
  Caller out;
  out.wallet_type = d["caller_wallet_type"].get<std::string>();
  // Signed as the wallet spells it (e.g. EIP-55); known to the node by its canonical spelling.
  IDOS_TRY(out.wallet, plugin.canonical_wallet_identifier(out.wallet_type, d["caller_wallet_identifier"].get<std::string>()));
  if (auto pk = d.find("caller_public_key"); pk != d.end() && pk->is_string()) out.public_key = pk->get<std::string>();
  return out;
}

}  // namespace idos::node
