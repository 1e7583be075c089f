// Verifiable Credentials and eddsa-jcs-2022 (see vc.hpp, docs/spec/verifiable-credentials.md).
#include "idos/protocol/vc.hpp"

#include "idos/primitives/json_dom.hpp"
#include "vc_dom.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "idos/primitives/base58.hpp"
#include "idos/primitives/canonical_json.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/time.hpp"

namespace idos {
namespace {

constexpr uint8_t kEd25519Multicodec[2] = {0xed, 0x01};
constexpr std::string_view kDidKeyPrefix = "did:key:";

using Json = nlohmann::json;

const Json* member(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

Result<std::string> required_string(const Json& obj, std::string_view key, std::string_view where) {
  const Json* v = member(obj, key);
  if (v == nullptr || !v->is_string()) {
    return make_error(ErrorCode::invalid_input, std::string(where) + "." + std::string(key) + " must be a string");
  }
  return v->get_ref<const std::string&>();
}

Result<Bytes> hash_data(const Json& proof_config, const Json& unsecured) {
  IDOS_TRY(std::string canon_config, canonicalize_json(proof_config));
  IDOS_TRY(std::string canon_doc, canonicalize_json(unsecured));
  auto h1 = sha256(as_bytes(canon_config));
  auto h2 = sha256(as_bytes(canon_doc));
  return concat(h1, h2);
}

// A VC date: strict RFC 3339 UTC; every failure is invalid_input naming the member.
Result<std::optional<int64_t>> optional_date(const Json& vc, std::string_view key) {
  const Json* v = member(vc, key);
  if (v == nullptr) return std::optional<int64_t>{};
  if (!v->is_string()) return make_error(ErrorCode::invalid_input, std::string(key) + " must be a string");
  auto t = parse_rfc3339_utc(v->get_ref<const std::string&>());
  if (!t) return make_error(ErrorCode::invalid_input, std::string(key) + ": " + t.error().message);
  return std::optional<int64_t>{*t};
}

Result<std::string> issuer_id(const Json& vc) {
  const Json* issuer = member(vc, "issuer");
  if (issuer != nullptr && issuer->is_string() && !issuer->get_ref<const std::string&>().empty()) {
    return issuer->get_ref<const std::string&>();
  }
  if (issuer != nullptr && issuer->is_object()) {
    const Json* id = member(*issuer, "id");
    if (id != nullptr && id->is_string() && !id->get_ref<const std::string&>().empty()) {
      return id->get_ref<const std::string&>();
    }
  }
  return make_error(ErrorCode::invalid_input, "issuer must be a non-empty string or an object with a string id");
}

}  // namespace

std::string ed25519_multikey(const Ed25519PublicKey& key) {
  std::array<uint8_t, 34> prefixed{};
  prefixed[0] = kEd25519Multicodec[0];
  prefixed[1] = kEd25519Multicodec[1];
  std::copy(key.begin(), key.end(), prefixed.begin() + 2);
  return "z" + base58_encode_fixed(prefixed);
}

std::string did_key_from_ed25519(const Ed25519PublicKey& key) { return std::string(kDidKeyPrefix) + ed25519_multikey(key); }

Result<Ed25519PublicKey> ed25519_from_multikey(std::string_view mb) {
  if (mb.empty() || mb.front() != 'z') return make_error(ErrorCode::unsupported, "only multibase base58btc ('z') keys are supported");
  IDOS_TRY(Bytes raw, base58_decode(mb.substr(1)));
  if (raw.size() != 34) return make_error(ErrorCode::invalid_length, "an Ed25519 multikey is 34 bytes (0xed01 + 32)");
  if (raw[0] != kEd25519Multicodec[0] || raw[1] != kEd25519Multicodec[1]) {
    return make_error(ErrorCode::unsupported, "not an Ed25519 multikey (multicodec 0xed01)");
  }
  Ed25519PublicKey key{};
  std::copy(raw.begin() + 2, raw.end(), key.begin());
  return key;
}

Result<Ed25519PublicKey> ed25519_from_did_key(std::string_view vm) {
  if (!vm.starts_with(kDidKeyPrefix)) return make_error(ErrorCode::unsupported, "only did:key verification methods are supported");
  std::string_view rest = vm.substr(kDidKeyPrefix.size());
  std::string_view key_part = rest;
  auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    key_part = rest.substr(0, hash);
    if (rest.substr(hash + 1) != key_part) {
      return make_error(ErrorCode::mismatch, "did:key fragment must repeat the key");
    }
  }
  return ed25519_from_multikey(key_part);
}

namespace dom {

Result<Json> eddsa_jcs_2022_sign(const Json& unsecured, const Ed25519KeyPair& key, const ProofOptions& options) {
  if (!unsecured.is_object()) return make_error(ErrorCode::invalid_input, "the document must be a JSON object");
  if (member(unsecured, "proof") != nullptr) return make_error(ErrorCode::invalid_input, "the document already has a proof");
  IDOS_CHECK(parse_rfc3339_utc(options.created));
  Json proof = Json::object();
  proof["type"] = "DataIntegrityProof";
  proof["cryptosuite"] = "eddsa-jcs-2022";
  proof["created"] = options.created;
  proof["verificationMethod"] = options.verification_method;
  proof["proofPurpose"] = options.proof_purpose;
  if (const Json* ctx = member(unsecured, "@context")) proof["@context"] = *ctx;
  IDOS_TRY(Bytes data, hash_data(proof, unsecured));
  IDOS_TRY(Ed25519Signature sig, ed25519_sign(data, key));
  proof["proofValue"] = "z" + base58_encode_fixed(sig);
  Json secured = unsecured;
  secured["proof"] = std::move(proof);
  return secured;
}

Status eddsa_jcs_2022_verify(const Json& secured, const Ed25519PublicKey& key) {
  if (!secured.is_object()) return make_error(ErrorCode::invalid_input, "the document must be a JSON object");
  const Json* proof = member(secured, "proof");
  if (proof == nullptr) return make_error(ErrorCode::invalid_input, "the document has no proof");
  if (proof->is_array()) return make_error(ErrorCode::unsupported, "proof sets and chains are not supported");
  if (!proof->is_object()) return make_error(ErrorCode::invalid_input, "proof must be an object");
  IDOS_TRY(std::string type, required_string(*proof, "type", "proof"));
  if (type != "DataIntegrityProof") return make_error(ErrorCode::unsupported, "proof.type must be DataIntegrityProof");
  IDOS_TRY(std::string suite, required_string(*proof, "cryptosuite", "proof"));
  if (suite != "eddsa-jcs-2022") return make_error(ErrorCode::unsupported, "unsupported cryptosuite " + suite);
  IDOS_CHECK(required_string(*proof, "verificationMethod", "proof"));
  IDOS_CHECK(required_string(*proof, "proofPurpose", "proof"));
  if (const Json* created = member(*proof, "created")) {
    if (!created->is_string() || !parse_rfc3339_utc(created->get_ref<const std::string&>())) {
      return make_error(ErrorCode::invalid_input, "proof.created must be YYYY-MM-DDTHH:MM:SSZ");
    }
  }
  IDOS_TRY(std::string proof_value, required_string(*proof, "proofValue", "proof"));
  if (proof_value.empty() || proof_value.front() != 'z') {
    return make_error(ErrorCode::invalid_encoding, "proofValue must be multibase base58btc ('z')");
  }
  IDOS_TRY(Bytes sig, base58_decode(std::string_view(proof_value).substr(1)));
  if (sig.size() != kEd25519SignatureSize) return make_error(ErrorCode::invalid_length, "proofValue must hold 64 bytes");

  Json config = *proof;
  config.erase("proofValue");
  if (const Json* proof_ctx = member(config, "@context")) {
    const Json* doc_ctx = member(secured, "@context");
    bool prefix = doc_ctx != nullptr;
    if (prefix) {
      Json pc = proof_ctx->is_array() ? *proof_ctx : Json::array({*proof_ctx});
      Json dc = doc_ctx->is_array() ? *doc_ctx : Json::array({*doc_ctx});
      prefix = pc.size() <= dc.size();
      for (size_t i = 0; prefix && i < pc.size(); ++i) prefix = pc[i] == dc[i];
    }
    if (!prefix) return make_error(ErrorCode::mismatch, "proof @context must be a prefix of the document @context");
  }
  Json unsecured = secured;
  unsecured.erase("proof");
  IDOS_TRY(Bytes data, hash_data(config, unsecured));
  auto verdict = ed25519_verify(data, sig, key);
  if (verdict.code() == ErrorCode::verify_failed) return make_error(ErrorCode::verify_failed, "the eddsa-jcs-2022 proof does not verify");
  return verdict;
}

Status check_vc_structure(const Json& vc, int64_t now) {
  if (!vc.is_object()) return make_error(ErrorCode::invalid_input, "a verifiable credential must be a JSON object");
  const Json* ctx = member(vc, "@context");
  if (ctx == nullptr || !ctx->is_array() || ctx->empty() || !(*ctx)[0].is_string()) {
    return make_error(ErrorCode::invalid_input, "@context must be an array starting with the VC context URL");
  }
  const std::string& first = (*ctx)[0].get_ref<const std::string&>();
  const bool v1 = first == kVcContextV1;
  if (!v1 && first != kVcContextV2) {
    return make_error(ErrorCode::invalid_input, "@context must start with a W3C VC v1.1 or v2.0 context");
  }
  for (const auto& item : *ctx) {
    if (!item.is_string() && !item.is_object()) return make_error(ErrorCode::invalid_input, "@context items must be strings or objects");
  }
  const Json* type = member(vc, "type");
  bool has_vc_type = false;
  if (type != nullptr && type->is_string()) {
    has_vc_type = type->get_ref<const std::string&>() == "VerifiableCredential";
  } else if (type != nullptr && type->is_array()) {
    for (const auto& t : *type) {
      if (!t.is_string()) return make_error(ErrorCode::invalid_input, "type items must be strings");
      if (t.get_ref<const std::string&>() == "VerifiableCredential") has_vc_type = true;
    }
  }
  if (!has_vc_type) return make_error(ErrorCode::invalid_input, "type must contain VerifiableCredential");
  IDOS_CHECK(issuer_id(vc));
  const Json* subject = member(vc, "credentialSubject");
  bool subject_ok = subject != nullptr && (subject->is_object() || (subject->is_array() && !subject->empty()));
  if (subject_ok && subject->is_array()) {
    for (const auto& s : *subject) subject_ok = subject_ok && s.is_object();
  }
  if (!subject_ok) return make_error(ErrorCode::invalid_input, "credentialSubject must be an object or a non-empty array of objects");

  IDOS_TRY(auto valid_from, optional_date(vc, "validFrom"));
  IDOS_TRY(auto valid_until, optional_date(vc, "validUntil"));
  IDOS_TRY(auto issuance, optional_date(vc, "issuanceDate"));
  IDOS_TRY(auto expiration, optional_date(vc, "expirationDate"));
  if (v1 && !issuance) return make_error(ErrorCode::invalid_input, "a v1.1 credential needs issuanceDate");
  auto start = valid_from ? valid_from : issuance;
  auto end = valid_until ? valid_until : expiration;
  if (start && end && *start > *end) return make_error(ErrorCode::invalid_input, "the validity period ends before it starts");
  if (start && now < *start) return make_error(ErrorCode::not_yet_valid, "the credential is not valid yet");
  if (end && now > *end) return make_error(ErrorCode::expired, "the credential has expired");
  return ok_status();
}

Status verify_verifiable_credential(const Json& vc, int64_t now) {
  IDOS_CHECK(check_vc_structure(vc, now));
  const Json* proof = member(vc, "proof");
  if (proof == nullptr) return make_error(ErrorCode::invalid_input, "the credential has no proof");
  if (proof->is_array()) return make_error(ErrorCode::unsupported, "proof sets and chains are not supported");
  if (!proof->is_object()) return make_error(ErrorCode::invalid_input, "proof must be an object");
  IDOS_TRY(std::string purpose, required_string(*proof, "proofPurpose", "proof"));
  if (purpose != "assertionMethod") return make_error(ErrorCode::unsupported, "proofPurpose must be assertionMethod");
  IDOS_TRY(std::string vm, required_string(*proof, "verificationMethod", "proof"));
  IDOS_TRY(Ed25519PublicKey key, ed25519_from_did_key(vm));
  IDOS_TRY(std::string issuer, issuer_id(vc));
  if (vm.substr(0, vm.find('#')) != issuer) {
    return make_error(ErrorCode::mismatch, "the proof's did:key is not the credential's issuer");
  }
  return eddsa_jcs_2022_verify(vc, key);
}

}  // namespace dom

// --- the public text forms ----------------------------------------------------------------------

namespace {
Result<Json> parse_vc_text(std::string_view text) { return parse_json(text, JsonLimits{kMaxVcDocumentBytes, 32}); }
}  // namespace

Result<std::string> eddsa_jcs_2022_sign(std::string_view unsecured_json, const Ed25519KeyPair& key,
                                        const ProofOptions& options) {
  IDOS_TRY(Json unsecured, parse_vc_text(unsecured_json));
  IDOS_TRY(Json secured, dom::eddsa_jcs_2022_sign(unsecured, key, options));
  return secured.dump();
}

Status eddsa_jcs_2022_verify(std::string_view secured_json, const Ed25519PublicKey& key) {
  IDOS_TRY(Json secured, parse_vc_text(secured_json));
  return dom::eddsa_jcs_2022_verify(secured, key);
}

Status check_vc_structure(std::string_view vc_json, int64_t now) {
  IDOS_TRY(Json vc, parse_vc_text(vc_json));
  return dom::check_vc_structure(vc, now);
}

Status verify_verifiable_credential(std::string_view vc_json, int64_t now) {
  IDOS_TRY(Json vc, parse_vc_text(vc_json));
  return dom::verify_verifiable_credential(vc, now);
}

}  // namespace idos
