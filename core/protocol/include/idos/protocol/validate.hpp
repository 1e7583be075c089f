// One dispatching validator for every document a node or a browser checks
// (docs/spec/validation.md). The native plugin exposes it as idos_validate(kind, json, now,
// seen_before) and the JS package as validate(kind, json, now, seenBefore), so all of them reach
// the same verdict on the same bytes.
//
// Pure: no clock (`now` is unix seconds from the caller), no I/O, no global state. Replay state
// lives with the caller, who says whether the document's single-use id or nonce was seen before.
//
// Document kinds: credential, access_grant, delegated_access_grant, delegated_write_grant, revoke,
// read_request, signed_request, verifiable_credential, and the node's write decisions: user,
// add_wallet, owned_credential, dwg_write, grant_target, node_receipt, node_log_entry,
// node_snapshot, node_snapshot_request, delete_credential, credential_status,
// set_credential_status, and the owner's changes (owner_changes.hpp): edit_credential,
// change_encryption_key, remove_wallet. Anything else:
// unsupported. Inputs are JSON objects whose members are listed per kind in the spec; unknown
// members are rejected (invalid_input), except inside a verifiable_credential.
//
// Beside the validator, three more kind-dispatched functions on the same JSON documents, so that
// every binding reaches one implementation of each protocol rule:
// - signed_message: the exact bytes a wallet or node signs for a document;
// - replay_key: the single-use value of a document, which a node must remember (and until when);
// - derive_access_grant: the access grant a share, a DWG write or a DAG creates.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "idos/primitives/result.hpp"

namespace idos {

inline constexpr std::array<std::string_view, 23> kDocumentKinds = {
    "credential",        "access_grant",      "delegated_access_grant", "delegated_write_grant", "revoke",
    "read_request",      "signed_request",    "verifiable_credential",  "user",                  "add_wallet",
    "owned_credential",  "dwg_write",         "grant_target",           "node_receipt",          "node_log_entry",
    "node_snapshot",     "node_snapshot_request",
    "delete_credential", "credential_status", "set_credential_status",
    "edit_credential",   "change_encryption_key", "remove_wallet"};

Status validate_document(std::string_view kind, std::string_view json_text, int64_t now, bool seen_before);

// Kinds with a signed message: delegated_access_grant, delegated_write_grant, read_request,
// signed_request, add_wallet, node_receipt, node_log_entry, node_snapshot, node_snapshot_request,
// credential_status. The document's members as validate_document reads them; the signature members
// may be absent (the message is what gets signed).
inline constexpr std::array<std::string_view, 10> kSignedMessageKinds = {
    "delegated_access_grant", "delegated_write_grant", "read_request", "signed_request", "add_wallet", "node_receipt",
    "node_log_entry", "node_snapshot", "node_snapshot_request", "credential_status"};
Result<std::string> signed_message(std::string_view kind, std::string_view json_text);

// The replay key of a single-use document: the value a node records after accepting it and passes
// back as `seen_before`. Keys of different kinds live in different namespaces:
//   signed_request, read_request   its nonce                      keep_until = issued_at + max age
//   delegated_write_grant          its id                         keep_until = 0 (forever)
//   delegated_access_grant         the access grant id it creates keep_until = 0 (forever)
// After keep_until (unix seconds) the document is refused as expired anyway, so the record may go.
struct ReplayKey {
  std::string key;
  int64_t keep_until = 0;  // 0: keep forever
};
inline constexpr std::array<std::string_view, 4> kReplayKeyKinds = {"signed_request", "read_request",
                                                                     "delegated_write_grant",
                                                                     "delegated_access_grant"};
Result<ReplayKey> replay_key(std::string_view kind, std::string_view json_text);

// The access grant (canonical JSON, docs/spec/grants.md) that a write creates:
//   share                   {owner, grantee, data_id, locked_until, content_hash, inserter_type, inserter_id}
//   delegated_write_grant   {dwg, owner, data_id, content_hash}  (owner: the DWG owner's user id)
//   delegated_access_grant  {dag, owner, submitter}              (submitter: the wallet that sent it)
// Field rules only: signatures and windows are validate_document's.
inline constexpr std::array<std::string_view, 3> kDerivedGrantKinds = {"share", "delegated_write_grant",
                                                                        "delegated_access_grant"};
Result<std::string> derive_access_grant(std::string_view kind, std::string_view json_text);

}  // namespace idos
