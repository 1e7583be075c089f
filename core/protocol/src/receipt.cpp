// Node receipts (see receipt.hpp, docs/spec/receipts.md).
#include "idos/protocol/receipt.hpp"

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/sign.hpp"
#include "idos/protocol/grant.hpp"
#include "message_fields.hpp"

namespace idos {

using namespace detail;

Status check_node_receipt(const NodeReceipt& r) {
  IDOS_CHECK(check_hex32_field(r.node_id, "node_id"));
  IDOS_CHECK(check_token(r.write_operation, kMaxReceiptOperationChars, "write_operation"));
  IDOS_CHECK(check_printable(r.object_id, kMaxReceiptObjectIdChars, "object_id"));
  IDOS_CHECK(check_hex32_field(r.sha256, "sha256"));
  if (r.log_position < 1) return make_error(ErrorCode::invalid_input, "log_position must be a positive integer");
  IDOS_CHECK(check_time_field(r.time, "time"));
  return ok_status();
}

Result<std::string> node_receipt_message(const NodeReceipt& r) {
  IDOS_CHECK(check_node_receipt(r));
  const std::string position = std::to_string(r.log_position);
  return join_lines({{"operation", "nodeReceipt"},
                     {"node_id", r.node_id},
                     {"write_operation", r.write_operation},
                     {"object_id", r.object_id},
                     {"sha256", r.sha256},
                     {"log_position", position},
                     {"time", r.time}});
}

Status verify_node_receipt(const NodeReceipt& r, std::string_view signature_hex) {
  IDOS_TRY(std::string message, node_receipt_message(r));
  if (signature_hex.size() != 2 * kEd25519SignatureSize) {
    return make_error(ErrorCode::invalid_length, "signature must be 128 hex characters");
  }
  if (!is_lower_hex(signature_hex)) return make_error(ErrorCode::invalid_encoding, "signature must be lowercase hex");
  IDOS_TRY(Bytes signature, hex_decode(signature_hex));
  IDOS_TRY(Bytes key, hex_decode(r.node_id));
  auto verdict = ed25519_verify(as_bytes(message), signature, key);
  if (verdict.code() == ErrorCode::verify_failed) {
    return make_error(ErrorCode::verify_failed, "the receipt is not signed by node " + r.node_id);
  }
  return verdict;
}

namespace {
Status check_result_token(std::string_view value) {
  if (value.empty() || value.size() > kMaxLogEntryResultChars) {
    return make_error(ErrorCode::invalid_input, "result must be 1.." + std::to_string(kMaxLogEntryResultChars) + " characters");
  }
  for (char c : value) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return make_error(ErrorCode::invalid_input, "result must be OK, an error code name or DUPLICATE ([A-Z0-9_])");
    }
  }
  return ok_status();
}

Status verify_ed25519_hex(std::string_view message, std::string_view node_id, std::string_view signature_hex,
                          std::string_view what) {
  if (signature_hex.size() != 2 * kEd25519SignatureSize) {
    return make_error(ErrorCode::invalid_length, "signature must be 128 hex characters");
  }
  if (!is_lower_hex(signature_hex)) return make_error(ErrorCode::invalid_encoding, "signature must be lowercase hex");
  IDOS_TRY(Bytes signature, hex_decode(signature_hex));
  IDOS_TRY(Bytes key, hex_decode(node_id));
  auto verdict = ed25519_verify(as_bytes(message), signature, key);
  if (verdict.code() == ErrorCode::verify_failed) {
    return make_error(ErrorCode::verify_failed, std::string(what) + " is not signed by node " + std::string(node_id));
  }
  return verdict;
}
}  // namespace

Status check_node_log_entry(const NodeLogEntry& e) {
  IDOS_CHECK(check_hex32_field(e.node_id, "node_id"));
  if (e.position < 1) return make_error(ErrorCode::invalid_input, "position must be a positive integer");
  if (e.log_time < 0) return make_error(ErrorCode::invalid_input, "log_time must be a non-negative integer");
  IDOS_CHECK(check_hex32_field(e.tx_sha256, "tx_sha256"));
  IDOS_CHECK(check_result_token(e.result));
  IDOS_CHECK(check_hex32_field(e.state_hash, "state_hash"));
  return ok_status();
}

Result<std::string> node_log_entry_message(const NodeLogEntry& e) {
  IDOS_CHECK(check_node_log_entry(e));
  // Its own template (a version line, every line LF-terminated): fixed by the network's first
  // nodes, docs/spec/receipts.md. Every value was checked above to be one line of hex, digits or
  // [A-Z0-9_].
  return "idos-log-entry/v1\nnode_id: " + e.node_id + "\nposition: " + std::to_string(e.position) +
         "\nlog_time: " + std::to_string(e.log_time) + "\ntx_sha256: " + e.tx_sha256 + "\nresult: " + e.result +
         "\nstate_hash: " + e.state_hash + "\n";
}

Status verify_node_log_entry(const NodeLogEntry& e, std::string_view signature_hex) {
  IDOS_TRY(std::string message, node_log_entry_message(e));
  return verify_ed25519_hex(message, e.node_id, signature_hex, "the log entry");
}

Status check_node_snapshot(const NodeSnapshot& m) {
  IDOS_CHECK(check_hex32_field(m.node_id, "node_id"));
  if (m.position < 1) return make_error(ErrorCode::invalid_input, "position must be a positive integer");
  IDOS_CHECK(check_hex32_field(m.state_hash, "state_hash"));
  IDOS_CHECK(check_hex32_field(m.content_sha256, "content_sha256"));
  if (m.size < 1) return make_error(ErrorCode::invalid_input, "size must be a positive integer");
  return ok_status();
}

Result<std::string> node_snapshot_message(const NodeSnapshot& m) {
  IDOS_CHECK(check_node_snapshot(m));
  return "idos-snapshot/v1\nnode_id: " + m.node_id + "\nposition: " + std::to_string(m.position) +
         "\nstate_hash: " + m.state_hash + "\ncontent_sha256: " + m.content_sha256 + "\nsize: " + std::to_string(m.size) +
         "\n";
}

Status verify_node_snapshot(const NodeSnapshot& m, std::string_view signature_hex) {
  IDOS_TRY(std::string message, node_snapshot_message(m));
  return verify_ed25519_hex(message, m.node_id, signature_hex, "the snapshot manifest");
}

Status check_node_snapshot_request(const NodeSnapshotRequest& r) {
  IDOS_CHECK(check_hex32_field(r.node_id, "node_id"));
  IDOS_CHECK(check_hex32_field(r.server_id, "server_id"));
  if (r.position < 0) return make_error(ErrorCode::invalid_input, "position must be 0 (the latest) or a positive integer");
  if (r.issued_at < 0) return make_error(ErrorCode::invalid_input, "issued_at must be a non-negative integer");
  return ok_status();
}

Result<std::string> node_snapshot_request_message(const NodeSnapshotRequest& r) {
  IDOS_CHECK(check_node_snapshot_request(r));
  return "idos-snapshot-request/v1\nnode_id: " + r.node_id + "\nserver_id: " + r.server_id +
         "\nposition: " + std::to_string(r.position) + "\nissued_at: " + std::to_string(r.issued_at) + "\n";
}

Status verify_node_snapshot_request(const NodeSnapshotRequest& r, std::string_view signature_hex, int64_t now) {
  IDOS_TRY(std::string message, node_snapshot_request_message(r));
  IDOS_CHECK(verify_ed25519_hex(message, r.node_id, signature_hex, "the snapshot request"));
  if (r.issued_at < now - kSnapshotRequestWindowSeconds) {
    return make_error(ErrorCode::expired, "the snapshot request was issued more than " +
                                              std::to_string(kSnapshotRequestWindowSeconds) + " s ago");
  }
  if (r.issued_at > now + kSnapshotRequestWindowSeconds) {
    return make_error(ErrorCode::not_yet_valid, "the snapshot request is issued in the future");
  }
  return ok_status();
}

}  // namespace idos
