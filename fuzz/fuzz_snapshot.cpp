// libFuzzer target for the node's snapshot parser (storage-node/src/snapshot_format.cpp,
// docs/cluster.md "Snapshot format"): no input may crash it or leak, and every input it accepts
// is rebuilt byte for byte by SnapshotBuilder (one encoding per state: the canonical one).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "snapshot_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace idos::node;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr size_t kLimit = 1 << 20;
  SnapshotBuilder rebuilt(kLimit);
  bool rebuild_failed = false;
  auto parsed = parse_snapshot(
      text,
      [&](size_t table, const SnapshotRow& row) {
        if (!rebuilt.add(table, row).ok()) rebuild_failed = true;
        return idos::ok_status();
      },
      kLimit);
  if (!parsed.ok()) return 0;
  if (rebuild_failed) std::abort();  // the builder refused what the parser accepted
  SnapshotSummary summary;
  auto bytes = rebuilt.finish(&summary);
  if (!bytes.ok() || *bytes != text || summary.position != parsed->position || summary.state_hash != parsed->state_hash) {
    std::abort();
  }
  return 0;
}
