// W3C Verifiable Credentials: structure checks and Data Integrity proofs of cryptosuite
// eddsa-jcs-2022 (W3C "Data Integrity EdDSA Cryptosuites v1.0", section 3.3) with did:key
// Ed25519 verification methods (docs/spec/verifiable-credentials.md).
//
// eddsa-jcs-2022, as implemented:
//   proofConfig  = the proof object without "proofValue" (its "@context", when present, must be a
//                  prefix of the document's "@context")
//   unsecured    = the document without "proof"
//   hashData     = SHA-256(JCS(proofConfig)) || SHA-256(JCS(unsecured))        (64 bytes)
//   proofValue   = "z" + base58btc(Ed25519(hashData))
// JCS is canonical_json.hpp (RFC 8785). One proof object per document: proof sets/chains
// (an array) are unsupported.
//
// did:key (Ed25519): "did:key:" + "z" + base58btc(0xed 0x01 || 32-byte public key); the
// verification method is "<did>#<same multibase>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/result.hpp"
#include "idos/primitives/sign.hpp"

namespace idos {

inline constexpr std::string_view kVcContextV1 = "https://www.w3.org/2018/credentials/v1";
inline constexpr std::string_view kVcContextV2 = "https://www.w3.org/ns/credentials/v2";
inline constexpr size_t kMaxVcDocumentBytes = 1 << 20;

// "z6Mk..." (multibase base58btc of 0xed01 || key) and "did:key:z6Mk...".
std::string ed25519_multikey(const Ed25519PublicKey& key);
std::string did_key_from_ed25519(const Ed25519PublicKey& key);
// Errors: unsupported (not base58btc 'z', or not the Ed25519 multicodec), invalid_encoding,
// invalid_length.
Result<Ed25519PublicKey> ed25519_from_multikey(std::string_view multibase);
// Accepts "did:key:<mk>" and "did:key:<mk>#<mk>" (the fragment must repeat the key: mismatch).
// Anything not did:key is unsupported.
Result<Ed25519PublicKey> ed25519_from_did_key(std::string_view did_or_verification_method);

struct ProofOptions {
  std::string verification_method;             // e.g. did:key:z6Mk..#z6Mk..
  std::string created;                         // RFC 3339 UTC (the caller's clock, not ours)
  std::string proof_purpose = "assertionMethod";
};

// Documents are JSON text (strict, json.hpp; at most kMaxVcDocumentBytes, depth 32).
//
// Adds an eddsa-jcs-2022 DataIntegrityProof to `unsecured_json` (an object without "proof") and
// returns the secured document as compact JSON text. The proof's "@context" is the document's,
// when it has one.
Result<std::string> eddsa_jcs_2022_sign(std::string_view unsecured_json, const Ed25519KeyPair& key,
                                        const ProofOptions& options);

// Verifies the document's single eddsa-jcs-2022 proof with `key` (the caller resolved it).
// Errors: invalid_input (no proof, missing members), unsupported (proof array, other type or
// cryptosuite), invalid_encoding / invalid_length (proofValue), mismatch (proof @context not a
// prefix), verify_failed.
Status eddsa_jcs_2022_verify(std::string_view secured_json, const Ed25519PublicKey& key);

// VC data model checks (v1.1 or v2.0 context), validity window against `now`.
Status check_vc_structure(std::string_view vc_json, int64_t now);

// Structure, then the proof: proofPurpose "assertionMethod", did:key verification method whose
// DID is the issuer (mismatch otherwise), eddsa-jcs-2022 signature.
Status verify_verifiable_credential(std::string_view vc_json, int64_t now);

}  // namespace idos
