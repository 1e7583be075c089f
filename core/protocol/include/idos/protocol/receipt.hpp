// Node receipts (docs/spec/receipts.md): what a storage node signs with its Ed25519 identity key
// for every object a write stored, so a client can hold the node to it.
//
//   "operation: nodeReceipt\nnode_id: ..\nwrite_operation: ..\nobject_id: ..\nsha256: ..\n
//    log_position: ..\ntime: .."          (LF-separated, no trailing LF)
//
// node_id is the node's Ed25519 public key (64 lowercase hex); the signature is 128 lowercase hex.
// Whether a node id is trusted is the client's decision (its permitted node keys), not this one.
#pragma once

#include <cstdint>
#include <string>

#include "idos/primitives/result.hpp"

namespace idos {

inline constexpr size_t kMaxReceiptObjectIdChars = 128;
inline constexpr size_t kMaxReceiptOperationChars = 64;

struct NodeReceipt {
  std::string node_id;          // 64 lowercase hex
  std::string write_operation;  // token [a-z0-9_], e.g. "create_user", "put_credential"
  std::string object_id;        // printable ASCII without spaces (a UUID or a wallet identifier)
  std::string sha256;           // 64 lowercase hex of the canonical bytes stored
  int64_t log_position = 0;     // >= 1
  std::string time;             // RFC 3339 UTC: the log time of the entry
};

Status check_node_receipt(const NodeReceipt& receipt);
Result<std::string> node_receipt_message(const NodeReceipt& receipt);
// Ed25519 over node_receipt_message with the key node_id names. verify_failed when a well-formed
// signature does not verify; invalid_length / invalid_encoding when it is malformed.
Status verify_node_receipt(const NodeReceipt& receipt, std::string_view signature_hex);

// Signed log entries (docs/spec/receipts.md "Signed log entries"): what a node of a network signs
// for every position of the replicated log it applied, served at GET /v1/log/{position}. Peers
// compare them; a client collects k of them for a write (the receipt quorum).
//
//   "idos-log-entry/v1\nnode_id: ..\nposition: ..\nlog_time: ..\ntx_sha256: ..\nresult: ..\n
//    state_hash: ..\n"                   (each line ending in LF, also the last)
inline constexpr size_t kMaxLogEntryResultChars = 64;

struct NodeLogEntry {
  std::string node_id;     // 64 lowercase hex
  int64_t position = 0;    // >= 1
  int64_t log_time = 0;    // unix seconds, >= 0
  std::string tx_sha256;   // 64 lowercase hex
  std::string result;      // "OK", an error code name or "DUPLICATE": [A-Z0-9_], 1..64
  std::string state_hash;  // 64 lowercase hex
};

Status check_node_log_entry(const NodeLogEntry& entry);
Result<std::string> node_log_entry_message(const NodeLogEntry& entry);
// Ed25519 over node_log_entry_message with the key node_id names; errors as verify_node_receipt.
Status verify_node_log_entry(const NodeLogEntry& entry, std::string_view signature_hex);

// Snapshot manifests (docs/spec/receipts.md "Snapshot manifests"): a node of a network exports its
// whole state at an applied position as a snapshot file (docs/cluster.md "Snapshots") and signs
// what it holds; a node bootstrapping from it checks the signature and that state_hash is the
// one its peers signed for that position, and content_sha256/size against the bytes it got.
//
//   "idos-snapshot/v1\nnode_id: ..\nposition: ..\nstate_hash: ..\ncontent_sha256: ..\nsize: ..\n"
struct NodeSnapshot {
  std::string node_id;         // 64 lowercase hex: the serving node
  int64_t position = 0;        // >= 1: the last log position the snapshot holds
  std::string state_hash;      // 64 lowercase hex: the state hash at `position`
  std::string content_sha256;  // 64 lowercase hex: SHA-256 of the snapshot file's bytes
  int64_t size = 0;            // >= 1: bytes of the snapshot file
};
Status check_node_snapshot(const NodeSnapshot& manifest);
Result<std::string> node_snapshot_message(const NodeSnapshot& manifest);
Status verify_node_snapshot(const NodeSnapshot& manifest, std::string_view signature_hex);

// A node asking a peer for a snapshot signs this with its identity key; the peer serves it only to
// a node of its peers file, within kSnapshotRequestWindowSeconds of its clock.
//
//   "idos-snapshot-request/v1\nnode_id: ..\nserver_id: ..\nposition: ..\nissued_at: ..\n"
inline constexpr int64_t kSnapshotRequestWindowSeconds = 60;
struct NodeSnapshotRequest {
  std::string node_id;    // 64 lowercase hex: the requesting node
  std::string server_id;  // 64 lowercase hex: the node asked (a request for one node is no use at another)
  int64_t position = 0;   // the snapshot asked for; 0: the manifest of the latest one
  int64_t issued_at = 0;  // unix seconds
};
Status check_node_snapshot_request(const NodeSnapshotRequest& request);
Result<std::string> node_snapshot_request_message(const NodeSnapshotRequest& request);
// The signature, then the window: |now - issued_at| <= kSnapshotRequestWindowSeconds (EXPIRED when
// older, NOT_YET_VALID when ahead).
Status verify_node_snapshot_request(const NodeSnapshotRequest& request, std::string_view signature_hex, int64_t now);

}  // namespace idos
