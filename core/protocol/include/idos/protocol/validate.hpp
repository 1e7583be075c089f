// One dispatching validator for every document a node or a browser checks
// (docs/spec/validation.md). The native plugin exposes it as idos_validate(kind, json, now,
// seen_before) and the JS package as validate(kind, json, now, seenBefore), so all of them reach
// the same verdict on the same bytes.
//
// Pure: no clock (`now` is unix seconds from the caller), no I/O, no global state. Replay state
// lives with the caller, who says whether the document's single-use id or nonce was seen before.
//
// Kinds: credential, access_grant, delegated_access_grant, delegated_write_grant, revoke,
// read_request, signed_request, verifiable_credential. Anything else: unsupported.
// Inputs are JSON objects whose members are listed per kind in the spec; unknown members are
// rejected (invalid_input), except inside a verifiable_credential.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "idos/primitives/result.hpp"

namespace idos {

inline constexpr std::array<std::string_view, 8> kDocumentKinds = {
    "credential",    "access_grant", "delegated_access_grant", "delegated_write_grant",
    "revoke",        "read_request", "signed_request",         "verifiable_credential"};

Status validate_document(std::string_view kind, std::string_view json_text, int64_t now, bool seen_before);

}  // namespace idos
