#include "state_hash.hpp"

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"

namespace idos::node {

std::string next_state_hash(const std::string& previous, int64_t position, const std::string& tx_sha256,
                            const std::string& result, const std::string& rows_sha256) {
  const std::string text = "idos-state/v1\n" + previous + "\n" + std::to_string(position) + "\n" + tx_sha256 + "\n" +
                           result + "\n" + rows_sha256;
  return hex_encode(sha256(as_bytes(text)));
}

}  // namespace idos::node
