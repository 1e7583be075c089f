// vc.hpp's operations on a parsed document, for the validator (validate.cpp) that already holds
// one. Internal to the protocol layer.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "idos/protocol/vc.hpp"

namespace idos::dom {

Result<nlohmann::json> eddsa_jcs_2022_sign(const nlohmann::json& unsecured, const Ed25519KeyPair& key,
                                           const ProofOptions& options);
Status eddsa_jcs_2022_verify(const nlohmann::json& secured, const Ed25519PublicKey& key);
Status check_vc_structure(const nlohmann::json& vc, int64_t now);
Status verify_verifiable_credential(const nlohmann::json& vc, int64_t now);

}  // namespace idos::dom
