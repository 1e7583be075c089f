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

}  // namespace idos
