#include "idos/primitives/result.hpp"

namespace idos {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok: return "OK";
    case ErrorCode::invalid_input: return "INVALID_INPUT";
    case ErrorCode::invalid_encoding: return "INVALID_ENCODING";
    case ErrorCode::invalid_length: return "INVALID_LENGTH";
    case ErrorCode::invalid_utf8: return "INVALID_UTF8";
    case ErrorCode::invalid_json: return "INVALID_JSON";
    case ErrorCode::too_large: return "TOO_LARGE";
    case ErrorCode::invalid_key: return "INVALID_KEY";
    case ErrorCode::decrypt_failed: return "DECRYPT_FAILED";
    case ErrorCode::verify_failed: return "VERIFY_FAILED";
    case ErrorCode::invalid_signature: return "INVALID_SIGNATURE";
    case ErrorCode::checksum_mismatch: return "CHECKSUM_MISMATCH";
    case ErrorCode::unsupported: return "UNSUPPORTED";
    case ErrorCode::locked: return "LOCKED";
    case ErrorCode::expired: return "EXPIRED";
    case ErrorCode::not_yet_valid: return "NOT_YET_VALID";
    case ErrorCode::replayed: return "REPLAYED";
    case ErrorCode::forbidden: return "FORBIDDEN";
    case ErrorCode::internal: return "INTERNAL";
    case ErrorCode::mismatch: return "MISMATCH";
    case ErrorCode::not_found: return "NOT_FOUND";
    case ErrorCode::rate_limited: return "RATE_LIMITED";
  }
  return "INTERNAL";
}

}  // namespace idos
