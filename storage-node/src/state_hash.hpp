// The running state hash (docs/cluster.md "Same state, checked"), apart from the ledger so that the
// snapshot parser (and its fuzz target) can check a snapshot's log chain without the ledger.
#pragma once

#include <cstdint>
#include <string>

namespace idos::node {

// SHA-256 hex of "idos-state/v1\n<previous>\n<position>\n<tx_sha256>\n<result>\n<rows_sha256>".
std::string next_state_hash(const std::string& previous, int64_t position, const std::string& tx_sha256,
                            const std::string& result, const std::string& rows_sha256);

}  // namespace idos::node
