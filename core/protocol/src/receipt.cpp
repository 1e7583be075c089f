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

}  // namespace idos
